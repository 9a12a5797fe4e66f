//! One error type for every route group, rendered as RFC 9457 `application/problem+json`.
//!
//! Client errors carry a message meant for the caller. Internal errors are logged with their
//! full context and answered with a generic 500: their text never reaches a response.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

pub type ApiResult<T, E = ApiError> = Result<T, E>;

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The problem slug of [`ApiError::contention`].
pub const CONTENTION: &str = "contention";

mod fields;
mod outage;
pub use fields::{FieldError, field_errors, field_errors_in, invalid, valid_or};
pub use outage::{OUTAGE_RETRY_AFTER_SECS, SERVICE_UNAVAILABLE, is_outage};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden")]
    Forbidden,
    #[error("not found: {0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A request that clashes with the current state (`problem` is a stable slug such as
    /// `sold-out` or `already-booked`).
    #[error("conflict ({problem}): {detail}")]
    Conflict {
        problem: &'static str,
        detail: String,
    },
    /// A conflict whose answer carries members of its own beside the standard ones (RFC 9457
    /// extension members, e.g. `out-of-stock` with `product_id` and `available`) and, where a
    /// field is to blame, `errors`.
    #[error("conflict ({problem}): {detail}")]
    ConflictWith {
        problem: &'static str,
        detail: String,
        members: serde_json::Map<String, serde_json::Value>,
        errors: Vec<FieldError>,
    },
    /// Well-formed, but the target cannot do it (`problem` is a stable slug).
    #[error("unprocessable ({problem}): {detail}")]
    Unprocessable {
        problem: &'static str,
        detail: String,
    },
    /// The caller's balance cannot pay for what was asked (`problem` is a stable slug such as
    /// `insufficient-coins`); nothing changed.
    #[error("payment required ({problem}): {detail}")]
    PaymentRequired {
        problem: &'static str,
        detail: String,
    },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// An outside service we depend on (a payment gateway) answered wrongly or refused: 502.
    #[error("bad gateway ({problem}): {detail}")]
    BadGateway {
        problem: &'static str,
        detail: String,
    },
    /// A service we depend on is unavailable for now: 503 with `Retry-After`.
    #[error("unavailable ({problem}): {detail}")]
    Unavailable {
        problem: &'static str,
        detail: String,
        retry_after_secs: u64,
    },
    #[error(transparent)]
    Internal(anyhow::Error),
}

/// The problem+json body (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem; stable, for machines.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Members of a particular problem type (`product_id`, `available`, …).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub members: serde_json::Map<String, serde_json::Value>,
}

/// An infrastructure failure is an internal error, except a write that kept losing races
/// ([`crate::dynamo::Contended`], wherever in the chain): that is 409 `contention`, and an
/// outage of a service we depend on ([`is_outage`]): that is 503 with `Retry-After`. Never 500.
impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        if error.downcast_ref::<crate::dynamo::Contended>().is_some() {
            return ApiError::contention();
        }
        if is_outage(&error) {
            tracing::warn!(
                error = format!("{error:#}"),
                "a service we depend on is unavailable"
            );
            return ApiError::outage();
        }
        ApiError::Internal(error)
    }
}

impl ApiError {
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::BadRequest(detail.into())
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    /// 409 `contention`: a write kept losing races to others on the same items (see
    /// `dynamo::TransactError::is_contended`). Nothing is known of their state, so the caller
    /// should simply try again; `replay::once` never keeps this answer.
    pub fn contention() -> Self {
        Self::Conflict {
            problem: CONTENTION,
            detail: "Too many changes to these items at once; try again.".into(),
        }
    }

    /// 503 `service-unavailable`: DynamoDB, S3, SQS or SES could not be reached (or refused for
    /// load) even after the SDK's retries. Nothing is known to have changed unless the answer
    /// of the route says so; the caller may send the request again after `Retry-After`.
    pub fn outage() -> Self {
        Self::Unavailable {
            problem: SERVICE_UNAVAILABLE,
            detail: "A service Bazaar depends on is unavailable; try again shortly.".into(),
            retry_after_secs: OUTAGE_RETRY_AFTER_SECS,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) | Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } | Self::ConflictWith { .. } => StatusCode::CONFLICT,
            Self::PaymentRequired { .. } => StatusCode::PAYMENT_REQUIRED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::BadGateway { .. } => StatusCode::BAD_GATEWAY,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::Validation(_) => "validation",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::Conflict { problem, .. }
            | Self::ConflictWith { problem, .. }
            | Self::Unprocessable { problem, .. }
            | Self::BadGateway { problem, .. }
            | Self::PaymentRequired { problem, .. }
            | Self::Unavailable { problem, .. } => problem,
            Self::PayloadTooLarge => "payload-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::TooManyRequests { .. } => "too-many-requests",
            Self::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "The request is malformed",
            Self::Validation(_) => "The request has invalid fields",
            Self::Unauthorized(_) => "Authentication is required",
            Self::Forbidden => "You are not allowed to do this",
            Self::NotFound(_) => "Not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::Conflict { .. } | Self::ConflictWith { .. } => {
                "The request conflicts with the current state"
            }
            Self::Unprocessable { .. } => "The request cannot be carried out",
            Self::PayloadTooLarge => "The request body is too large",
            Self::UnsupportedMediaType(_) => "Unsupported media type",
            Self::TooManyRequests { .. } => "Too many requests",
            Self::BadGateway { .. } => "An outside service failed",
            Self::PaymentRequired { .. } => "The balance does not cover this",
            Self::Unavailable { .. } => "A service is unavailable for now",
            Self::Internal(_) => "Internal server error",
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            Self::BadRequest(d)
            | Self::Unauthorized(d)
            | Self::NotFound(d)
            | Self::UnsupportedMediaType(d)
            | Self::Conflict { detail: d, .. }
            | Self::ConflictWith { detail: d, .. }
            | Self::BadGateway { detail: d, .. }
            | Self::PaymentRequired { detail: d, .. }
            | Self::Unavailable { detail: d, .. }
            | Self::Unprocessable { detail: d, .. } => Some(d.clone()),
            Self::TooManyRequests { retry_after_secs } => {
                Some(format!("Try again in {retry_after_secs} seconds."))
            }
            _ => None,
        }
    }

    /// The body this error is answered with.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("urn:bazaar:problem:{}", self.slug()),
            title: self.title(),
            status: self.status().as_u16(),
            detail: self.detail(),
            errors: match self {
                Self::Validation(errors) | Self::ConflictWith { errors, .. } => errors.clone(),
                _ => Vec::new(),
            },
            members: match self {
                Self::ConflictWith { members, .. } => members.clone(),
                _ => serde_json::Map::new(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // An internal error built directly (not through `From<anyhow::Error>`) may still be an
        // outage.
        let this = match self {
            Self::Internal(error) => ApiError::from(error),
            other => other,
        };
        this.render()
    }
}

impl ApiError {
    fn render(self) -> Response {
        if let Self::Internal(error) = &self {
            // `{:#}` prints the whole context chain; the client sees none of it.
            tracing::error!(error = format!("{error:#}"), "internal error");
        }
        let status = self.status();
        let mut response = (status, axum::Json(self.problem())).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        match &self {
            Self::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::TooManyRequests { retry_after_secs }
            | Self::Unavailable {
                retry_after_secs, ..
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests;
