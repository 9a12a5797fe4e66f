//! The envelope of every background job on SQS, and a sender that batches.

use std::time::Duration;

use anyhow::{Context, bail};
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

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

/// Sends jobs to one queue.
#[derive(Clone, Debug)]
pub struct JobQueue {
    sqs: aws_sdk_sqs::Client,
    url: String,
}

impl JobQueue {
    pub fn new(sqs: aws_sdk_sqs::Client, url: impl Into<String>) -> Self {
        Self {
            sqs,
            url: url.into(),
        }
    }

    #[tracing::instrument(skip_all, fields(queue = %self.url, job = %job.id))]
    pub async fn send<T: Serialize>(&self, job: &Job<T>) -> anyhow::Result<()> {
        self.sqs
            .send_message()
            .queue_url(&self.url)
            .message_body(serde_json::to_string(job)?)
            .send()
            .await
            .context("sending a job")?;
        Ok(())
    }

    /// Sends many jobs, ten per request, retrying the entries SQS could not take.
    #[tracing::instrument(skip_all, fields(queue = %self.url, jobs = jobs.len()))]
    pub async fn send_batch<T: Serialize>(&self, jobs: &[Job<T>]) -> anyhow::Result<()> {
        for chunk in jobs.chunks(SQS_BATCH) {
            let mut pending = chunk
                .iter()
                .enumerate()
                .map(|(i, job)| {
                    SendMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .message_body(serde_json::to_string(job)?)
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
                    break;
                }
                if attempt == BATCH_ATTEMPTS || failed.iter().any(|f| f.sender_fault()) {
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
        }
        Ok(())
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
