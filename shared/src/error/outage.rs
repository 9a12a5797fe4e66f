//! Telling an outage of a service we depend on (DynamoDB, S3, SQS, SES) from a fault of ours.
//!
//! An outage is answered 503 `service-unavailable` with `Retry-After`, never 500: the request
//! may simply be sent again. The SDK has already retried it (standard mode, three attempts)
//! by the time it reaches here.

use aws_sdk_dynamodb::error::ConnectorError;
use aws_sdk_dynamodb::types::error::{
    InternalServerError, ProvisionedThroughputExceededException, RequestLimitExceeded,
    ThrottlingException,
};

/// The problem slug of an outage.
pub const SERVICE_UNAVAILABLE: &str = "service-unavailable";

/// Seconds a client should wait before sending the request again.
pub const OUTAGE_RETRY_AFTER_SECS: u64 = 5;

/// The `Display` of the SDK's `SdkError::TimeoutError` (its source, the timeout itself, is a
/// private type of the SDK runtime).
const SDK_TIMEOUT: &str = "request has timed out";

/// Whether anything in the chain of `error` says a service could not be reached, timed out,
/// or refused for load: the connection failures of every SDK client (they share one
/// `ConnectorError` type), the SDK's timeouts, and DynamoDB's throttling and internal errors.
pub fn is_outage(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.is::<ConnectorError>()
            || cause.is::<InternalServerError>()
            || cause.is::<ProvisionedThroughputExceededException>()
            || cause.is::<RequestLimitExceeded>()
            || cause.is::<ThrottlingException>()
            || cause.to_string() == SDK_TIMEOUT
    })
}
