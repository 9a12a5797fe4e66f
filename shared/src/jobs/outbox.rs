//! The outbox: jobs SQS could not take wait in DynamoDB until the relay sends them.
//!
//! A job is queued after the write that calls for it has committed (a booking, an order, a
//! sign-up). When SQS cannot be reached at that moment, [`super::JobQueue`] parks the job here
//! instead, so the write still stands and its mail still goes out: the `outbox-relay` function
//! (every minute, `bazaar_system::outbox_relay`) sends parked jobs to their queues and deletes
//! them. Jobs carry deterministic ids and every consumer does a job's effect once per id, so a
//! job that was both sent and parked (SQS took it but the answer was lost) is harmless.

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use crate::dynamo::{Item, batch_put, string, timestamp};

/// Every parked job is in this partition, oldest first.
const PARTITION: &str = "JOB";
/// A parked job still unsent after this long expires (SQS's default retention).
const KEEP: time::Duration = time::Duration::days(4);
/// Parked jobs the relay sends per run at most.
const RELAY_MAX: usize = 500;

/// The outbox table (`OUTBOX_TABLE`).
#[derive(Clone, Debug)]
pub struct Outbox {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

/// What one relay run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Relayed {
    pub sent: usize,
    /// Jobs still parked because their queue could not take them either.
    pub left: usize,
}

impl Outbox {
    pub fn new(db: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            db,
            table: table.into(),
        }
    }

    /// Parks message bodies (`(job id, body)`) bound for `queue_url`.
    pub async fn park(
        &self,
        queue_url: &str,
        jobs: &[(String, String)],
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let items = jobs
            .iter()
            .map(|(id, body)| {
                Item::from([
                    ("pk".into(), string(PARTITION)),
                    ("sk".into(), string(format!("{}#{id}", timestamp(now)))),
                    ("queue_url".into(), string(queue_url)),
                    ("body".into(), string(body.as_str())),
                    (
                        "expires_at".into(),
                        AttributeValue::N((now + KEEP).unix_timestamp().to_string()),
                    ),
                ])
            })
            .collect();
        batch_put(&self.db, &self.table, items, "parking jobs in the outbox").await
    }

    /// Sends parked jobs to their queues, oldest first, deleting each once SQS has it. Only
    /// `queues` are relayed to (a job for any other queue is left alone: a switched-off
    /// marketplace's, or a forged item's). The first job SQS refuses ends the run (SQS is most
    /// likely still away): it and the rest of its page are counted as `left`.
    pub async fn relay(
        &self,
        sqs: &aws_sdk_sqs::Client,
        queues: &[String],
    ) -> anyhow::Result<Relayed> {
        let mut relayed = Relayed::default();
        let mut refused = false;
        let mut pages = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", string(PARTITION))
            .limit(100)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.context("reading the outbox")?;
            for item in page.items() {
                refused = refused || !self.send_one(sqs, queues, item).await?;
                if refused {
                    relayed.left += 1;
                } else {
                    relayed.sent += 1;
                }
            }
            if refused || relayed.sent >= RELAY_MAX {
                break;
            }
        }
        Ok(relayed)
    }

    /// Sends one parked job; `false` when its queue cannot take it now (it stays parked). A job
    /// for a queue not in `queues` stays parked without a try, and counts as sent for the run.
    async fn send_one(
        &self,
        sqs: &aws_sdk_sqs::Client,
        queues: &[String],
        item: &Item,
    ) -> anyhow::Result<bool> {
        let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        let (Some(sk), Some(queue_url), Some(body)) = (text("sk"), text("queue_url"), text("body"))
        else {
            anyhow::bail!("a malformed outbox item");
        };
        if !queues.contains(&queue_url) {
            tracing::warn!(job = %sk, queue = %queue_url, "parked job for a queue this relay does not serve");
            return Ok(true);
        }
        if let Err(error) = sqs
            .send_message()
            .queue_url(&queue_url)
            .message_body(body)
            .send()
            .await
        {
            let error = anyhow::Error::new(error);
            tracing::warn!(job = %sk, error = format!("{error:#}"), "parked job not sent yet");
            return Ok(false);
        }
        self.db
            .delete_item()
            .table_name(&self.table)
            .key("pk", string(PARTITION))
            .key("sk", string(sk))
            .send()
            .await
            .context("deleting a sent job from the outbox")?;
        Ok(true)
    }
}
