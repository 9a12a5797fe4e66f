//! DynamoDB helpers that several contexts need: items through `serde_dynamo`, and the
//! translation of conditional-write failures into outcomes a handler can act on.

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::AttributeValue;

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
