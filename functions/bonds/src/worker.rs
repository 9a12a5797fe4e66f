//! The draw worker: consumes the draw queue, parses the uploaded list from S3, stores its
//! numbers, matches them against the registry, mails the winners and moves the draw to done,
//! or to failed with a reason. Every step is idempotent, so a redelivered job is harmless:
//! numbers are plain puts, wins are conditional puts, mails have deterministic ids, and a draw
//! that is no longer pending is left alone.

use anyhow::Context;
use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use bazaar_shared::jobs::Job;
use serde::{Deserialize, Serialize};

use crate::matching::{MailPer, Matching};
use crate::model::Denominations;
use crate::parse::parse_draw;
use crate::store::{DrawItem, DrawStatus, NumberItem};

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
}

impl DrawWorker {
    /// Handles one SQS batch, reporting the messages that must be retried.
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        // Sequentially: one list is already 1,600 concurrent-enough lookups.
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
            match self.process(&job.payload.draw_id).await {
                Ok(outcome) => {
                    tracing::info!(draw = %job.payload.draw_id, ?outcome, "draw job handled")
                }
                Err(error) => {
                    tracing::warn!(draw = %job.payload.draw_id, error = format!("{error:#}"), "draw job failed");
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
        let text = self.file(&draw).await?;
        let parsed = match std::str::from_utf8(&text) {
            Err(_) => Err("the file is not UTF-8 text; upload the list as plain text".to_owned()),
            Ok(text) => parse_draw(text).map_err(|e| e.0),
        };
        let parsed = match parsed {
            Ok(p) if !self.denominations.contains(p.denomination) => Err(format!(
                "Rs. {} is not a bond denomination on sale (expected one of {})",
                p.denomination,
                self.denominations.list()
            )),
            other => other,
        };
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(reason) => return self.fail(&draw, reason).await,
        };
        let date = parsed.date.to_string();
        if let Err(other) = store
            .claim_draw_key(draw_id, parsed.denomination, &date)
            .await?
        {
            let reason = format!(
                "the Rs. {} draw of {date} is already stored as draw {other}; delete that draw \
                 first to replace it",
                parsed.denomination
            );
            return self.fail(&draw, reason).await;
        }
        let entries: Vec<NumberItem> = parsed
            .numbers()
            .map(|(number, tier, amount)| {
                NumberItem::new(draw_id, parsed.denomination, &date, number, tier, amount)
            })
            .collect();
        store.put_numbers(&entries).await?;
        let found = self.matching.match_numbers(&entries).await?;
        self.matching
            .mail_winners(&found, MailPer::WinnerAndDraw)
            .await?;
        let (numbers, wins) = (entries.len() as u32, found.len() as u32);
        store
            .finish_draw(draw_id, parsed.denomination, &date, numbers, wins)
            .await?;
        Ok(Outcome::Done { numbers, wins })
    }

    async fn fail(&self, draw: &DrawItem, reason: String) -> anyhow::Result<Outcome> {
        self.matching.store.fail_draw(draw, &reason).await?;
        Ok(Outcome::Failed(reason))
    }

    async fn file(&self, draw: &DrawItem) -> anyhow::Result<Vec<u8>> {
        let object = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(&draw.file_key)
            .send()
            .await
            .context("reading an uploaded list")?;
        Ok(object
            .body
            .collect()
            .await
            .context("reading an uploaded list")?
            .into_bytes()
            .to_vec())
    }
}
