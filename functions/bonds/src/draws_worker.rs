//! The `draws-worker` function: consumes the draw queue, parses the uploaded list from S3,
//! stores its numbers, matches them against the registry, mails the winners and moves the draw
//! to done, or to failed with a reason. Every step is idempotent, so a redelivered job is
//! harmless: numbers are plain puts, wins are conditional puts, mails have deterministic ids,
//! and a draw that is no longer pending is left alone.

use anyhow::Context;
use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use bazaar_shared::jobs::Job;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use serde::{Deserialize, Serialize};

use crate::input::Denominations;
use crate::matching::{MailPer, Matching};
use crate::model::{DrawRecord, DrawStatus, NumberRecord};
use crate::parse::{ParsedDraw, parse_draw};
use crate::store::{ClaimError, DrawChangeError};

/// The job queued for each uploaded list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawJob {
    pub draw_id: String,
}

/// What one job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done {
        numbers: u32,
        wins: u32,
    },
    Failed(String),
    /// The draw was gone or not pending: nothing to do.
    Skipped,
}

/// The draw queue consumer.
#[derive(Clone, Debug)]
pub struct DrawWorker {
    pub matching: Matching,
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
    pub denominations: Denominations,
    pub clock: Clock,
}

/// The `draws-worker` binary.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let worker = DrawWorker::new(init)?;
    let table = worker.matching.store.table().to_owned();
    Ok(Function::queue(worker, |w, event| async move { w.handle(event).await }).warming(&table))
}

impl DrawWorker {
    /// `BONDS_TABLE`, `IDENTITY_TABLE`, `MAIL_QUEUE_URL`, `UPLOADS_BUCKET`, and optionally
    /// `BOND_DENOMINATIONS`.
    pub fn new(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            matching: Matching::from_init(init)?,
            s3: aws.s3.clone(),
            bucket: env.required("UPLOADS_BUCKET")?,
            denominations: Denominations::from_env(env)?,
            clock: init.clock.clone(),
        })
    }

    /// Handles one SQS batch, reporting the messages that must be retried.
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        // Sequentially: one list is already 1,600 concurrent-enough look-ups.
        for message in &event.records {
            let id = message.message_id.clone().unwrap_or_default();
            let job = match Job::<DrawJob>::parse(message.body.as_deref().unwrap_or_default()) {
                Ok(job) => job,
                Err(error) => {
                    // Retrying cannot fix it; it goes to the DLQ where someone can look.
                    tracing::error!(message_id = %id, %error, "not a draw job");
                    response.add_failure(id);
                    continue;
                }
            };
            let draw = &job.payload.draw_id;
            match self.process(draw).await {
                Ok(outcome) => tracing::info!(%draw, ?outcome, "draw job handled"),
                Err(error) => {
                    tracing::warn!(%draw, error = format!("{error:#}"), "draw job failed");
                    response.add_failure(id);
                }
            }
        }
        response
    }

    /// Processes one uploaded list.
    pub async fn process(&self, draw_id: &str) -> anyhow::Result<Outcome> {
        let store = &self.matching.store;
        let Some(draw) = store.draw(draw_id).await? else {
            return Ok(Outcome::Skipped);
        };
        if draw.status != DrawStatus::Pending {
            return Ok(Outcome::Skipped);
        }
        let parsed = match self.parsed(&draw).await {
            Ok(parsed) => parsed,
            Err(ListError::Refused(reason)) => return self.fail(&draw, reason).await,
            Err(ListError::Other(error)) => return Err(error),
        };
        let date = parsed.date.to_string();
        match store
            .claim_draw_key(draw_id, parsed.denomination, &date)
            .await
        {
            Ok(()) => {}
            Err(ClaimError::Taken { by }) => {
                let reason = format!(
                    "the Rs. {} draw of {date} is already stored as draw {by}; delete that draw \
                     first to replace it",
                    parsed.denomination
                );
                return self.fail(&draw, reason).await;
            }
            Err(ClaimError::Other(error)) => return Err(error),
        }
        self.store_and_match(draw_id, &parsed, &date).await
    }

    /// The list of a draw, parsed, or why it is refused.
    async fn parsed(&self, draw: &DrawRecord) -> Result<ParsedDraw, ListError> {
        let bytes = self.file(draw).await?;
        let refused = |reason: String| Err(ListError::Refused(reason));
        let Ok(text) = std::str::from_utf8(&bytes) else {
            return refused("the file is not UTF-8 text; upload the list as plain text".into());
        };
        match parse_draw(text) {
            Err(error) => refused(error.0),
            Ok(p) if !self.denominations.contains(p.denomination) => refused(format!(
                "Rs. {} is not a bond denomination on sale (expected one of {})",
                p.denomination,
                self.denominations.list()
            )),
            Ok(parsed) => Ok(parsed),
        }
    }

    /// Stores the numbers, records and mails the wins, and finishes the draw.
    async fn store_and_match(
        &self,
        draw_id: &str,
        parsed: &ParsedDraw,
        date: &str,
    ) -> anyhow::Result<Outcome> {
        let store = &self.matching.store;
        let entries: Vec<NumberRecord> = parsed
            .numbers()
            .map(|(number, tier, amount)| NumberRecord {
                draw_id: draw_id.to_owned(),
                denomination: parsed.denomination,
                number: number.to_owned(),
                tier,
                amount,
                date: date.to_owned(),
            })
            .collect();
        store.put_numbers(&entries).await?;
        let now = self.clock.now();
        let found = self.matching.match_numbers(&entries, now).await?;
        self.matching
            .mail_winners(&found, MailPer::WinnerAndDraw)
            .await?;
        let (numbers, wins) = (entries.len() as u32, found.len() as u32);
        let finished = store
            .finish_draw(draw_id, parsed.denomination, date, (numbers, wins), now)
            .await;
        match finished {
            Ok(()) => Ok(Outcome::Done { numbers, wins }),
            Err(DrawChangeError::NotPending) => Ok(Outcome::Skipped),
            Err(DrawChangeError::Other(error)) => Err(error),
        }
    }

    async fn fail(&self, draw: &DrawRecord, reason: String) -> anyhow::Result<Outcome> {
        let now = self.clock.now();
        match self.matching.store.fail_draw(draw, &reason, now).await {
            Ok(()) => Ok(Outcome::Failed(reason)),
            Err(DrawChangeError::NotPending) => Ok(Outcome::Skipped),
            Err(DrawChangeError::Other(error)) => Err(error),
        }
    }

    async fn file(&self, draw: &DrawRecord) -> anyhow::Result<Vec<u8>> {
        let object = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(&draw.file_key)
            .send()
            .await
            .context("reading an uploaded list")?;
        let body = object
            .body
            .collect()
            .await
            .context("reading an uploaded list")?;
        Ok(body.into_bytes().to_vec())
    }
}

/// Why an uploaded list was not read.
#[derive(Debug, thiserror::Error)]
enum ListError {
    /// The file is not an official list we can take; the draw fails with this reason.
    #[error("the list is refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}
