//! The `mailer` function: consumes the mail queue, renders each [`MailJob`] and sends it
//! through SES.
//!
//! Each message is handled on its own: one that fails is reported in `batchItemFailures` and
//! retried by SQS (a poison message ends in the dead-letter queue after `maxReceiveCount`), while
//! the rest of its batch is sent and deleted. Sending is idempotent per job id.

use std::time::Duration;

use anyhow::Context;
use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use bazaar_shared::ConfigError;
use bazaar_shared::function::{Function, Init};
use bazaar_shared::idempotency::{Claim, IdempotencyStore};
use bazaar_shared::jobs::Job;
use bazaar_shared::mail::MailJob;
use futures_util::future::join_all;

use crate::render::render;

/// How long one send may hold a job's claim before another delivery may take it over.
const SEND_LEASE: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
enum MailError {
    #[error("the message is not a mail job: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("another delivery of this job is being sent")]
    InProgress,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Sent,
    AlreadySent,
}

/// `IDEMPOTENCY_TABLE` (which jobs were sent) and `MAIL_FROM` (the sender address).
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let table = init.env.required("IDEMPOTENCY_TABLE")?;
    let mailer = Mailer {
        ses: init.aws.ses.clone(),
        from: init.env.required("MAIL_FROM")?,
        sent: IdempotencyStore::new(init.aws.dynamodb.clone(), &table),
    };
    Ok(Function::queue(
        mailer,
        |mailer, event| async move { mailer.handle(event).await },
    )
    .warming(&table))
}

/// The mail queue consumer: what the `mailer` function holds. It reads no time itself (the
/// idempotency store keeps its leases), so it carries no clock.
#[derive(Clone, Debug)]
pub struct Mailer {
    ses: aws_sdk_sesv2::Client,
    from: String,
    sent: IdempotencyStore,
}

impl Mailer {
    /// Handles one SQS batch, reporting the messages that must be retried.
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let outcomes = join_all(event.records.iter().map(|m| self.process(m))).await;
        let mut response = SqsBatchResponse::default();
        for (message, outcome) in event.records.iter().zip(outcomes) {
            let id = message.message_id.clone().unwrap_or_default();
            match outcome {
                Ok(Outcome::Sent) => tracing::info!(message_id = %id, "mail sent"),
                Ok(Outcome::AlreadySent) => {
                    tracing::info!(message_id = %id, "mail already sent, skipped")
                }
                Err(error) => {
                    tracing::warn!(message_id = %id, error = format!("{error:#}"), "mail not sent");
                    response.add_failure(id);
                }
            }
        }
        response
    }

    async fn process(&self, message: &SqsMessage) -> Result<Outcome, MailError> {
        let job: Job<MailJob> = Job::parse(message.body.as_deref().unwrap_or_default())?;
        let key = format!("mail#{}", job.id);
        match self.sent.claim(&key, SEND_LEASE).await? {
            Claim::Completed(_) => return Ok(Outcome::AlreadySent),
            Claim::InProgress => return Err(MailError::InProgress),
            Claim::Acquired => {}
        }
        if let Err(error) = self.send(&job.payload).await {
            self.sent.release(&key).await?;
            return Err(error.into());
        }
        self.sent.complete(&key).await?;
        Ok(Outcome::Sent)
    }

    #[tracing::instrument(skip_all)]
    async fn send(&self, mail: &MailJob) -> anyhow::Result<()> {
        let rendered = render(&mail.message);
        let text = |data: &str| Content::builder().data(data).charset("UTF-8").build();
        let message = Message::builder()
            .subject(text(&rendered.subject)?)
            .body(
                Body::builder()
                    .text(text(&rendered.text)?)
                    .html(text(&rendered.html)?)
                    .build(),
            )
            .build();
        self.ses
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&mail.to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .context("sending mail through SES")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn init(vars: &[(&str, &str)]) -> Init {
        Init::offline(vars.iter().copied())
    }

    #[test]
    fn the_mailer_needs_its_table_and_sender_at_build() {
        let error = build(&init(&[("IDEMPOTENCY_TABLE", "sent")]))
            .err()
            .unwrap();
        assert_eq!(error, ConfigError::Missing("MAIL_FROM".into()));
        let function = build(&init(&[
            ("IDEMPOTENCY_TABLE", "sent"),
            ("MAIL_FROM", "bazaar@example.com"),
        ]))
        .unwrap();
        assert_eq!(function.warm_table.as_deref(), Some("sent"));
    }

    #[tokio::test]
    async fn a_message_that_is_not_a_mail_job_is_reported_for_retry() {
        let aws = init(&[]).aws;
        let mailer = Mailer {
            ses: aws.ses,
            from: "bazaar@example.com".into(),
            sent: IdempotencyStore::new(aws.dynamodb, "sent"),
        };
        let mut message = SqsMessage::default();
        message.message_id = Some("m1".into());
        message.body = Some(r#"{"not":"a job"}"#.into());
        let mut event = SqsEvent::default();
        event.records.push(message);
        let response = mailer.handle(event).await;
        let failed: Vec<&str> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_str())
            .collect();
        assert_eq!(failed, ["m1"]);
    }
}
