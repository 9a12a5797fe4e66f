//! The DynamoDB helpers every store uses, and no store writes again:
//! - [`attr`]: attribute values, `pk`/`sk` keys and the one sortable stored time;
//! - [`transact`]: one transaction call that retries lost races and types cancellations;
//! - [`batch_get`], [`batch_put`], [`batch_write`]: chunked, with backoff for unprocessed items;
//! - [`get_item`], [`query_all`] (every page of a bounded query), [`is_condition_failed`];
//!   items go through `serde_dynamo`.

pub mod attr;
mod batch;
mod transact;

use std::time::Duration;

use anyhow::Context;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;

pub use attr::{key, number, string, timestamp};
pub use batch::{batch_get, batch_put, batch_write};
pub use serde_dynamo::{from_item, from_items, to_attribute_value, to_item};
pub use transact::{
    Cancellation, Contended, TransactError, put_new, transact, transact_or_cancelled,
};

/// An item as the SDK sees it.
pub type Item = std::collections::HashMap<String, AttributeValue>;

/// `record` as the item stored at `key`: records hold no keys, so only the key functions of a
/// store spell its layout.
pub fn item_at<T: serde::Serialize>(key: Item, record: &T) -> anyhow::Result<Item> {
    let mut item: Item = to_item(record).context("encoding a record")?;
    item.extend(key);
    Ok(item)
}

/// One item by key, read consistently and decoded; `what` names the read in errors.
pub async fn get_item<T: DeserializeOwned>(
    db: &aws_sdk_dynamodb::Client,
    table: &str,
    key: Item,
    what: &'static str,
) -> anyhow::Result<Option<T>> {
    let item = db
        .get_item()
        .table_name(table)
        .set_key(Some(key))
        .consistent_read(true)
        .send()
        .await
        .context(what)?
        .item;
    item.map(from_item).transpose().context(what)
}

/// Every item of `query`, its pages followed with the SDK's paginator: for bounded sets (a
/// draw's numbers, a role's holders). `what` names the query in errors.
pub async fn query_all(query: QueryFluentBuilder, what: &'static str) -> anyhow::Result<Vec<Item>> {
    query
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .context(what)
}

/// True when a single conditional write failed its condition (as opposed to any other error).
pub fn is_condition_failed<E, R>(error: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    error
        .as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

/// Waits before retry `attempt` (1, 2, …): exponential from 10 ms, capped at 320 ms, with full
/// jitter in its upper half so that racing writers spread out.
async fn backoff(attempt: u32) {
    let base = 10u64 << attempt.min(5);
    let jitter = u64::from(getrandom::u32().unwrap_or(0)) % base;
    tokio::time::sleep(Duration::from_millis(base / 2 + jitter)).await;
}
