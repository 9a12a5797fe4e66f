//! `Idempotency-Key` on routes that create something (a booking, an order, a payment): a
//! request retried with the same key gets the first answer again instead of doing the work
//! twice. The first answer is kept in the idempotency table with a fingerprint of the request,
//! so the same key with a different request is refused rather than replayed.

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, CONTENTION, PROBLEM_JSON};
use crate::idempotency::{Claim, IdempotencyStore};

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// Marks an answer that was replayed rather than produced again.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// How long a first request may run before a retry may take its key over.
const LEASE: Duration = Duration::from_secs(30);
const MAX_KEY_LEN: usize = 255;

/// The optional `Idempotency-Key` header: 1 to 255 visible ASCII characters, or 400.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(HEADER) else {
            return Ok(Self(None));
        };
        let key = value
            .to_str()
            .ok()
            .filter(|k| (1..=MAX_KEY_LEN).contains(&k.len()))
            .filter(|k| k.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| {
                ApiError::bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters.")
            })?;
        Ok(Self(Some(key.to_owned())))
    }
}

/// A first answer as kept for replay.
#[derive(Debug, Serialize, Deserialize)]
struct Kept {
    fingerprint: String,
    status: u16,
    problem: bool,
    body: serde_json::Value,
}

/// A digest of what identifies a request (route, target, body), to tell a retry from a reuse.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update(part.as_bytes());
        digest.update([0]);
    }
    format!("{:x}", digest.finalize())
}

/// Answers that a retry may change (any 5xx, 429, 409 `contention`): they are not kept.
fn retryable(error: &ApiError) -> bool {
    let status = error.status();
    status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || matches!(error, ApiError::Conflict { problem, .. } if *problem == CONTENTION)
}

fn respond(status: StatusCode, body: &serde_json::Value, problem: bool) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if problem {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    }
    response
}

/// Runs `work` once per `(scope, key)`. Without a key, simply runs it. With one: the first
/// request does the work and its answer (success or client error) is kept; a retry gets that
/// answer with `Idempotent-Replayed: true`; a retry while the first still runs gets 409; the
/// same key with a different `fingerprint` gets 422. Server errors are not kept, so a retry
/// after one does the work again.
pub async fn once<F, Fut>(
    store: &IdempotencyStore,
    scope: &str,
    key: &IdempotencyKey,
    fingerprint: String,
    work: F,
) -> Result<Response, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(StatusCode, serde_json::Value), ApiError>>,
{
    let Some(key) = &key.0 else {
        let (status, body) = work().await?;
        return Ok(respond(status, &body, false));
    };
    let id = format!("{scope}:{key}");
    match store.claim(&id, LEASE).await? {
        Claim::Acquired => {
            let outcome = work().await;
            let kept = match &outcome {
                Ok((status, body)) => Kept {
                    fingerprint,
                    status: status.as_u16(),
                    problem: false,
                    body: body.clone(),
                },
                Err(error) if retryable(error) => {
                    if let Err(release) = store.release(&id).await {
                        tracing::warn!(error = format!("{release:#}"), "releasing a key");
                    }
                    return outcome.map(|(status, body)| respond(status, &body, false));
                }
                Err(error) => Kept {
                    fingerprint,
                    status: error.status().as_u16(),
                    problem: true,
                    body: serde_json::to_value(error.problem()).unwrap_or_default(),
                },
            };
            store
                .complete_with(&id, Some(serde_json::to_string(&kept).unwrap_or_default()))
                .await?;
            let (status, body) = outcome?;
            Ok(respond(status, &body, false))
        }
        Claim::Completed(Some(kept)) => {
            let kept: Kept = serde_json::from_str(&kept)
                .map_err(|e| anyhow::anyhow!("decoding a kept answer: {e}"))?;
            if kept.fingerprint != fingerprint {
                return Err(ApiError::Unprocessable {
                    problem: "idempotency-key-reused",
                    detail: "This Idempotency-Key was used for a different request.".into(),
                });
            }
            let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK);
            let mut response = respond(status, &kept.body, kept.problem);
            response
                .headers_mut()
                .insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
            Ok(response)
        }
        Claim::Completed(None) | Claim::InProgress => Err(ApiError::Conflict {
            problem: "request-in-progress",
            detail: "A request with this Idempotency-Key is still being processed; retry shortly."
                .into(),
        }),
    }
}
