//! Small constructors of this crate's answers; every failure is an `ApiError` (a short balance
//! is `ApiError::PaymentRequired`, 402 `insufficient-coins`).

use axum::http::StatusCode;
use bazaar_shared::ApiError;
use serde::Serialize;

/// A created thing as `replay::once` keeps it (status and JSON body).
pub(crate) fn created<T: Serialize>(
    outcome: Result<T, ApiError>,
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    let value = serde_json::to_value(outcome?).map_err(anyhow::Error::from)?;
    Ok((StatusCode::CREATED, value))
}

pub(crate) fn conflict(problem: &'static str, detail: &str) -> ApiError {
    ApiError::Conflict {
        problem,
        detail: detail.into(),
    }
}

pub(crate) fn not_found(what: &str) -> ApiError {
    ApiError::not_found(what)
}
