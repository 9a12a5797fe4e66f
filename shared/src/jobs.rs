//! The envelope of every background job on SQS, and a sender that batches.

use std::time::Duration;

use anyhow::{Context, bail};
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{Clock, ConfigError, Init};

mod outbox;
pub use outbox::{Outbox, Relayed};

/// SQS takes at most ten messages per `SendMessageBatch`.
const SQS_BATCH: usize = 10;
const BATCH_ATTEMPTS: u32 = 3;

/// A job as it travels through a queue. `id` is the idempotency key of the job's effect: give
/// a job a deterministic id (`booking-confirmation:<booking>`) when enqueueing it twice must
/// still do the work once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job<T> {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub payload: T,
}

impl<T> Job<T> {
    pub fn with_id(id: impl Into<String>, payload: T) -> Self {
        Self {
            id: id.into(),
            created_at: OffsetDateTime::now_utc(),
            payload,
        }
    }
}

impl<T: DeserializeOwned> Job<T> {
    /// Reads a job from a message body.
    pub fn parse(body: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(body)
    }
}

/// Sends jobs to one queue. With an [`Outbox`] (every function's queues have one, see
/// [`JobQueue::from_init`]), jobs SQS cannot take are parked there and sent later by the relay,
/// so a committed write never loses the jobs it called for to an SQS outage.
#[derive(Clone, Debug)]
pub struct JobQueue {
    sqs: aws_sdk_sqs::Client,
    url: String,
    outbox: Option<(Outbox, Clock)>,
}

impl JobQueue {
    /// A queue without an outbox: a job SQS cannot take is an error of the caller's.
    pub fn new(sqs: aws_sdk_sqs::Client, url: impl Into<String>) -> Self {
        Self {
            sqs,
            url: url.into(),
            outbox: None,
        }
    }

    /// The queue named by the variable `url_var`, with the outbox of `OUTBOX_TABLE`.
    pub fn from_init(init: &Init, url_var: &str) -> Result<Self, ConfigError> {
        let queue = Self::new(init.aws.sqs.clone(), init.env.required(url_var)?);
        let outbox = Outbox::new(
            init.aws.dynamodb.clone(),
            init.env.required("OUTBOX_TABLE")?,
        );
        Ok(Self {
            outbox: Some((outbox, init.clock.clone())),
            ..queue
        })
    }

    #[tracing::instrument(skip_all, fields(queue = %self.url, job = %job.id))]
    pub async fn send<T: Serialize>(&self, job: &Job<T>) -> anyhow::Result<()> {
        let body = serde_json::to_string(job)?;
        let sent = self
            .sqs
            .send_message()
            .queue_url(&self.url)
            .message_body(&body)
            .send()
            .await
            .context("sending a job");
        match sent {
            Ok(_) => Ok(()),
            Err(error) => self.park(error, vec![(job.id.clone(), body)]).await,
        }
    }

    /// Sends many jobs, ten per request, retrying the entries SQS could not take; what SQS
    /// still cannot take is parked in the outbox.
    #[tracing::instrument(skip_all, fields(queue = %self.url, jobs = jobs.len()))]
    pub async fn send_batch<T: Serialize>(&self, jobs: &[Job<T>]) -> anyhow::Result<()> {
        let bodies = jobs
            .iter()
            .map(|job| Ok((job.id.clone(), serde_json::to_string(job)?)))
            .collect::<anyhow::Result<Vec<_>>>()?;
        for (n, chunk) in bodies.chunks(SQS_BATCH).enumerate() {
            if let Err(error) = self.send_chunk(chunk).await {
                return self.park(error, bodies[n * SQS_BATCH..].to_vec()).await;
            }
        }
        Ok(())
    }

    async fn send_chunk(&self, chunk: &[(String, String)]) -> anyhow::Result<()> {
        let mut pending = chunk
            .iter()
            .enumerate()
            .map(|(i, (_, body))| {
                SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .build()
                    .context("building a batch entry")
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        for attempt in 1..=BATCH_ATTEMPTS {
            let output = self
                .sqs
                .send_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(pending.clone()))
                .send()
                .await
                .context("sending a batch of jobs")?;
            let failed = output.failed();
            if failed.is_empty() {
                return Ok(());
            }
            if failed.iter().any(|f| f.sender_fault()) {
                // A malformed message: sending it again now will not help.
                bail!("SQS refused a job as malformed: {}", failed[0].code());
            }
            if attempt == BATCH_ATTEMPTS {
                bail!(
                    "{} of {} jobs were refused by SQS: {}",
                    failed.len(),
                    chunk.len(),
                    failed[0].code()
                );
            }
            pending.retain(|entry| failed.iter().any(|f| f.id() == entry.id()));
            tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
        }
        Ok(())
    }

    /// After SQS failed with `error`: parks `jobs` in the outbox, or fails when there is none
    /// (or it cannot be written either).
    async fn park(&self, error: anyhow::Error, jobs: Vec<(String, String)>) -> anyhow::Result<()> {
        let Some((outbox, clock)) = &self.outbox else {
            return Err(error);
        };
        match outbox.park(&self.url, &jobs, clock.now()).await {
            Ok(()) => {
                tracing::warn!(
                    queue = %self.url,
                    jobs = jobs.len(),
                    error = format!("{error:#}"),
                    "SQS did not take the jobs; parked in the outbox"
                );
                Ok(())
            }
            Err(parking) => {
                Err(error.context(format!("parking in the outbox failed too: {parking:#}")))
            }
        }
    }
}

/// Handles every message of an SQS batch at once and reports the ones that failed in
/// `batchItemFailures`, so SQS retries only those (the function's event source mapping must
/// enable `ReportBatchItemFailures`). A message that keeps failing ends in the dead-letter queue.
pub async fn consume<F, Fut>(
    event: aws_lambda_events::sqs::SqsEvent,
    handle: F,
) -> aws_lambda_events::sqs::SqsBatchResponse
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let ids: Vec<String> = event
        .records
        .iter()
        .map(|m| m.message_id.clone().unwrap_or_default())
        .collect();
    let outcomes = futures_util::future::join_all(
        event
            .records
            .into_iter()
            .map(|m| handle(m.body.unwrap_or_default())),
    )
    .await;
    let mut response = aws_lambda_events::sqs::SqsBatchResponse::default();
    for (id, outcome) in ids.into_iter().zip(outcomes) {
        if let Err(error) = outcome {
            tracing::warn!(message_id = %id, error = format!("{error:#}"), "job failed");
            response.add_failure(id);
        }
    }
    response
}
