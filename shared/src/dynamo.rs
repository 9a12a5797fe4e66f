//! DynamoDB helpers that several contexts need: items through `serde_dynamo`, and the
//! translation of conditional-write failures into outcomes a handler can act on.

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use std::time::Duration;

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, TransactWriteItem};
use serde::de::DeserializeOwned;

pub use serde_dynamo::{from_item, from_items, to_attribute_value, to_item};

/// An item as the SDK sees it.
pub type Item = std::collections::HashMap<String, AttributeValue>;

/// Why each action of a cancelled `TransactWriteItems` failed, in request order: `None` for an
/// action that was fine, `Some("ConditionalCheckFailed")` and so on for the one(s) that were not.
/// Returns `None` when the error is not a transaction cancellation.
pub fn cancellation_reasons(
    error: &SdkError<TransactWriteItemsError>,
) -> Option<Vec<Option<String>>> {
    match error.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => Some(
            cancelled
                .cancellation_reasons()
                .iter()
                .map(|reason| {
                    reason
                        .code()
                        .filter(|code| *code != "None")
                        .map(str::to_owned)
                })
                .collect(),
        ),
        _ => None,
    }
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

/// The items of `keys` that exist, read consistently: one BatchGetItem per 100 keys, with the
/// keys DynamoDB left unprocessed asked for again. Order is not kept.
pub async fn batch_get(
    db: &aws_sdk_dynamodb::Client,
    table: &str,
    keys: Vec<Item>,
    what: &'static str,
) -> anyhow::Result<Vec<Item>> {
    let mut found = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(100) {
        let mut request = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(chunk.to_vec()))
                .consistent_read(true)
                .build()
                .context(what)?,
        );
        while let Some(keys) = request.take() {
            let output = db
                .batch_get_item()
                .request_items(table, keys)
                .send()
                .await
                .context(what)?;
            found.extend(
                output
                    .responses
                    .and_then(|mut r| r.remove(table))
                    .unwrap_or_default(),
            );
            request = output
                .unprocessed_keys
                .and_then(|mut left| left.remove(table))
                .filter(|left| !left.keys().is_empty());
        }
    }
    Ok(found)
}

/// Why one action of a cancelled transaction failed, with the item as it was when the action
/// asked for it (`ReturnValuesOnConditionCheckFailure::AllOld`), so a handler can tell "sold
/// out" from "not bookable" without reading again.
#[derive(Debug, Clone, Default)]
pub struct Cancellation {
    /// `None` for an action that was fine; `ConditionalCheckFailed`, `TransactionConflict`, ….
    pub code: Option<String>,
    pub item: Option<Item>,
}

impl Cancellation {
    pub fn condition_failed(&self) -> bool {
        self.code.as_deref() == Some("ConditionalCheckFailed")
    }
}

/// The reasons of a cancelled `TransactWriteItems`, with the old items; `None` when the error
/// is not a transaction cancellation.
pub fn cancellations(error: &SdkError<TransactWriteItemsError>) -> Option<Vec<Cancellation>> {
    match error.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => Some(
            cancelled
                .cancellation_reasons()
                .iter()
                .map(|reason| Cancellation {
                    code: reason
                        .code()
                        .filter(|code| *code != "None")
                        .map(str::to_owned),
                    item: reason.item().cloned(),
                })
                .collect(),
        ),
        _ => None,
    }
}

/// How often a transaction that only lost a race (`TransactionConflict`) is tried again.
const CONFLICT_ATTEMPTS: u32 = 10;

/// Runs one `TransactWriteItems`, trying again (with jittered backoff) while it is cancelled
/// only because another transaction held one of its items at the same moment. Such a
/// cancellation says nothing about the items' state, so answering it would turn a free seat
/// into a spurious "try again"; any other outcome, including failed conditions, is returned.
pub async fn transact_write(
    db: &aws_sdk_dynamodb::Client,
    items: Vec<TransactWriteItem>,
) -> Result<(), SdkError<TransactWriteItemsError>> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = db
            .transact_write_items()
            .set_transact_items(Some(items.clone()))
            .send()
            .await;
        match result {
            Ok(_) => return Ok(()),
            Err(error) if attempt < CONFLICT_ATTEMPTS && only_conflicts(&error) => {
                let base = 10u64 << attempt.min(5);
                let jitter = u64::from(getrandom::u32().unwrap_or(0)) % base;
                tokio::time::sleep(Duration::from_millis(base / 2 + jitter)).await;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Runs one transaction (retrying lost races like [`transact_write`]): `false` when a
/// condition cancelled it, an error for anything else. For callers to whom any failed
/// condition means the same thing ("already done", "not found").
pub async fn transact_or_cancelled(
    db: &aws_sdk_dynamodb::Client,
    items: Vec<TransactWriteItem>,
    what: &'static str,
) -> anyhow::Result<bool> {
    match transact_write(db, items).await {
        Ok(()) => Ok(true),
        Err(e) if cancellations(&e).is_some() => Ok(false),
        Err(e) => Err(e).context(what),
    }
}

/// True when a cancelled transaction failed only on conflicts with other transactions.
pub fn only_conflicts(error: &SdkError<TransactWriteItemsError>) -> bool {
    cancellations(error).is_some_and(|reasons| {
        reasons
            .iter()
            .any(|r| r.code.as_deref() == Some("TransactionConflict"))
            && reasons
                .iter()
                .all(|r| r.code.is_none() || r.code.as_deref() == Some("TransactionConflict"))
    })
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

/// Seconds since the Unix epoch, the unit of DynamoDB TTL attributes.
pub fn epoch_seconds(at: time::OffsetDateTime) -> i64 {
    at.unix_timestamp()
}
