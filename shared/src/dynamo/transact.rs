//! One `TransactWriteItems` call for every store: lost races are retried with jittered
//! backoff, and a cancellation comes back typed, action by action, with the old items.

use anyhow::Context;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem};

use super::{Item, backoff};

/// How often a transaction that only lost a race (`TransactionConflict`) is tried in all.
const CONFLICT_ATTEMPTS: u32 = 10;

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

    pub fn conflicted(&self) -> bool {
        self.code.as_deref() == Some("TransactionConflict")
    }
}

/// A transaction still losing races after every retry, carried inside an `anyhow::Error` by
/// [`transact_or_cancelled`]; `ApiError` answers it 409 `contention`.
#[derive(Debug, thiserror::Error)]
#[error("still contended after {CONFLICT_ATTEMPTS} attempts")]
pub struct Contended;

/// What a transaction that did not commit ran into.
#[derive(Debug, thiserror::Error)]
pub enum TransactError {
    /// DynamoDB cancelled it: one reason per action, in request order.
    #[error("the transaction was cancelled")]
    Cancelled(Vec<Cancellation>),
    /// Anything else (network, throttling, validation): an internal error.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl TransactError {
    /// Still losing races after every retry: the items are busy, nothing is known of their
    /// state; answer "try again" (409), never "not found".
    pub fn is_contended(&self) -> bool {
        matches!(self, TransactError::Cancelled(reasons) if only_conflicts(reasons))
    }

    /// The reason of action `index`, when the transaction was cancelled.
    pub fn reason(&self, index: usize) -> Option<&Cancellation> {
        match self {
            TransactError::Cancelled(reasons) => reasons.get(index),
            TransactError::Failed(_) => None,
        }
    }

    /// True when action `index` failed its condition.
    pub fn failed_at(&self, index: usize) -> bool {
        self.reason(index)
            .is_some_and(Cancellation::condition_failed)
    }
}

/// Runs one `TransactWriteItems`, trying again (with jittered backoff) while it is cancelled
/// only because another transaction held one of its items at the same moment. Such a
/// cancellation says nothing about the items' state, so answering it would turn a free seat
/// into a spurious "not found"; any other outcome, including failed conditions, is returned.
pub async fn transact(
    db: &aws_sdk_dynamodb::Client,
    items: Vec<TransactWriteItem>,
    what: &'static str,
) -> Result<(), TransactError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = db
            .transact_write_items()
            .set_transact_items(Some(items.clone()))
            .send()
            .await;
        let error = match result {
            Ok(_) => return Ok(()),
            Err(error) => error,
        };
        match cancellations(&error) {
            Some(reasons) if attempt < CONFLICT_ATTEMPTS && only_conflicts(&reasons) => {
                backoff(attempt).await;
            }
            Some(reasons) => return Err(TransactError::Cancelled(reasons)),
            None => {
                return Err(TransactError::Failed(
                    anyhow::Error::new(error).context(what),
                ));
            }
        }
    }
}

/// Runs one transaction (retrying lost races like [`transact`]): `false` when a condition
/// cancelled it, an error for anything else. For callers to whom any failed condition means
/// the same thing ("already done", "not found").
pub async fn transact_or_cancelled(
    db: &aws_sdk_dynamodb::Client,
    items: Vec<TransactWriteItem>,
    what: &'static str,
) -> anyhow::Result<bool> {
    match transact(db, items, what).await {
        Ok(()) => Ok(true),
        Err(error) if error.is_contended() => Err(anyhow::anyhow!(
            "still contended after {CONFLICT_ATTEMPTS} attempts"
        ))
        .context(what),
        Err(TransactError::Cancelled(_)) => Ok(false),
        Err(TransactError::Failed(error)) => Err(error),
    }
}

/// A transaction put of an item that must not exist yet (`attribute_not_exists(pk)`); when it
/// does, its cancellation reason carries the item found.
pub fn put_new(table: &str, item: Item) -> anyhow::Result<TransactWriteItem> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(pk)")
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .context("building a put of a new item")?;
    Ok(TransactWriteItem::builder().put(put).build())
}

fn cancellations(error: &SdkError<TransactWriteItemsError>) -> Option<Vec<Cancellation>> {
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

fn only_conflicts(reasons: &[Cancellation]) -> bool {
    reasons.iter().any(Cancellation::conflicted)
        && reasons.iter().all(|r| r.code.is_none() || r.conflicted())
}
