//! Polls a queue and invokes its function with real SQS event batches, as Lambda's event source
//! mapping does: messages the function reports in `batchItemFailures` (or the whole batch when
//! it panics or times out) are left on the queue, come back after the visibility timeout, and move to the
//! dead-letter queue after `maxReceiveCount` receives, which moto enforces.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Context;
use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, Message, MessageSystemAttributeName};
use bazaar_shared::function::QueueHandler;
use tracing::Instrument;

/// One queue wired to one function.
#[derive(Clone)]
pub struct Poller {
    pub sqs: aws_sdk_sqs::Client,
    pub function: String,
    pub queue_url: String,
    pub queue_arn: String,
    pub region: String,
    pub batch_size: i32,
    pub report_batch_item_failures: bool,
    pub timeout: Duration,
    pub handler: QueueHandler,
}

impl Poller {
    /// Polls until the task is aborted.
    pub async fn run(self) {
        loop {
            match self.poll_once().await {
                Ok(0) => tokio::time::sleep(Duration::from_millis(200)).await,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(function = %self.function, error = format!("{error:#}"), "queue poll failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Receives one batch and hands it to the function; returns how many messages it got.
    pub async fn poll_once(&self) -> anyhow::Result<usize> {
        let received = self
            .sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(self.batch_size)
            .wait_time_seconds(1)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
            .context("receiving messages")?;
        let messages = received.messages.unwrap_or_default();
        if messages.is_empty() {
            return Ok(0);
        }
        let count = messages.len();
        let failed = self.invoke(&messages).await;
        let done: Vec<&Message> = messages
            .iter()
            .filter(|m| !failed.iter().any(|f| Some(f) == m.message_id.as_ref()))
            .collect();
        self.delete(&done).await?;
        Ok(count)
    }

    /// Invokes the function with one batch; returns the ids of the messages to retry: those it
    /// reports, or the whole batch when it panics or times out (a failed invocation on Lambda).
    async fn invoke(&self, messages: &[Message]) -> Vec<String> {
        let mut event = SqsEvent::default();
        event.records = messages.iter().map(|m| self.record(m)).collect();
        let span = tracing::info_span!("invoke", function = %self.function, request_id = %uuid::Uuid::new_v4(), messages = messages.len());
        let mut invocation = tokio::spawn((self.handler)(event).instrument(span.clone()));
        let outcome = tokio::time::timeout(self.timeout, &mut invocation).await;
        let whole_batch = || {
            messages
                .iter()
                .filter_map(|m| m.message_id.clone())
                .collect()
        };
        match outcome {
            Ok(Ok(response)) if self.report_batch_item_failures => response
                .batch_item_failures
                .into_iter()
                .map(|f| f.item_identifier)
                .collect(),
            Ok(Ok(_)) => Vec::new(),
            Ok(Err(error)) => {
                span.in_scope(|| tracing::warn!(%error, "function failed; whole batch retried"));
                whole_batch()
            }
            Err(_) => {
                invocation.abort();
                span.in_scope(|| tracing::warn!("function timed out; whole batch retried"));
                whole_batch()
            }
        }
    }

    async fn delete(&self, handled: &[&Message]) -> anyhow::Result<()> {
        if handled.is_empty() {
            return Ok(());
        }
        let entries = handled
            .iter()
            .enumerate()
            .map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(m.receipt_handle.clone().unwrap_or_default())
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.sqs
            .delete_message_batch()
            .queue_url(&self.queue_url)
            .set_entries(Some(entries))
            .send()
            .await
            .context("deleting handled messages")?;
        Ok(())
    }

    fn record(&self, message: &Message) -> SqsMessage {
        let mut record = SqsMessage::default();
        record.message_id = message.message_id.clone();
        record.receipt_handle = message.receipt_handle.clone();
        record.body = message.body.clone();
        record.md5_of_body = message.md5_of_body.clone();
        record.attributes = message
            .attributes
            .iter()
            .flatten()
            .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
            .collect::<HashMap<_, _>>();
        record.event_source = Some("aws:sqs".to_owned());
        record.event_source_arn = Some(self.queue_arn.clone());
        record.aws_region = Some(self.region.clone());
        record
    }
}
