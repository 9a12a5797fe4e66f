//! Exactly-once effects for at-least-once deliveries.
//!
//! SQS may deliver a message twice, and a scheduled job may fire twice. A consumer claims the
//! job's key with a conditional write before its side effect (sending a mail, say) and marks it
//! completed after. A claim held by a consumer that died expires after its lease, so the job is
//! retried rather than lost; a failed side effect releases the claim at once.

use std::time::Duration;

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::dynamo::{from_item, is_condition_failed, to_item};

/// How long a completed key is remembered (SQS keeps a message at most 14 days).
const RETENTION: Duration = Duration::from_secs(15 * 24 * 3600);

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This consumer holds the key and must do the work, then `complete` or `release`.
    Acquired,
    /// The work was done before: do nothing and acknowledge. Carries what `complete_with`
    /// stored (an HTTP answer to replay, say).
    Completed(Option<String>),
    /// Another consumer is doing it right now: retry later.
    InProgress,
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    pk: String,
    status: Status,
    lease_until: i64,
    expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    result: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Status {
    InProgress,
    Completed,
}

/// Claims and completions in one DynamoDB table (partition key `pk`, TTL on `expires_at`).
#[derive(Clone, Debug)]
pub struct IdempotencyStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl IdempotencyStore {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Claims `key` for `lease`, in one conditional write.
    #[tracing::instrument(skip(self))]
    pub async fn claim(&self, key: &str, lease: Duration) -> anyhow::Result<Claim> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let record = Record {
            pk: key.to_owned(),
            status: Status::InProgress,
            lease_until: now + lease.as_secs() as i64,
            expires_at: now + RETENTION.as_secs() as i64,
            result: None,
        };
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(&record)?))
            .condition_expression(
                "attribute_not_exists(pk) OR (#status = :in_progress AND lease_until < :now)",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":in_progress", AttributeValue::S("IN_PROGRESS".into()))
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .send()
            .await;
        match put {
            Ok(_) => Ok(Claim::Acquired),
            Err(error) if is_condition_failed(&error) => self.current(key).await,
            Err(error) => Err(error).context("claiming an idempotency key"),
        }
    }

    async fn current(&self, key: &str) -> anyhow::Result<Claim> {
        let item = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(key.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .context("reading an idempotency key")?
            .item;
        // Gone between our write and this read: its lease ended and it was released.
        let Some(item) = item else {
            return Ok(Claim::InProgress);
        };
        let record: Record = from_item(item).context("decoding an idempotency record")?;
        Ok(match record.status {
            Status::Completed => Claim::Completed(record.result),
            Status::InProgress => Claim::InProgress,
        })
    }

    /// Marks the work for `key` as done for good.
    #[tracing::instrument(skip(self))]
    pub async fn complete(&self, key: &str) -> anyhow::Result<()> {
        self.complete_with(key, None).await
    }

    /// Marks the work for `key` as done and keeps `result` for later claims to replay.
    #[tracing::instrument(skip(self, result))]
    pub async fn complete_with(&self, key: &str, result: Option<String>) -> anyhow::Result<()> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(key.to_owned()))
            .update_expression("SET #status = :completed")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":completed", AttributeValue::S("COMPLETED".into()));
        if let Some(result) = result {
            update = update
                .update_expression("SET #status = :completed, #result = :result")
                .expression_attribute_names("#result", "result")
                .expression_attribute_values(":result", AttributeValue::S(result));
        }
        update
            .send()
            .await
            .context("completing an idempotency key")?;
        Ok(())
    }

    /// Gives up a claim after a failed attempt, so that a retry may run at once.
    #[tracing::instrument(skip(self))]
    pub async fn release(&self, key: &str) -> anyhow::Result<()> {
        let delete = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(key.to_owned()))
            .condition_expression("#status = :in_progress")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":in_progress", AttributeValue::S("IN_PROGRESS".into()))
            .send()
            .await;
        match delete {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failed(&error) => Ok(()),
            Err(error) => Err(error).context("releasing an idempotency key"),
        }
    }
}
