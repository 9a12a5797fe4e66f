//! Signed webhooks from outside services (payment gateways): raw body → signature check
//! (HMAC-SHA256 in constant time, with a timestamp tolerance where the scheme signs one) →
//! claim of the provider's event id → the effect, once.
//!
//! A handler takes the body as `Bytes`, never as re-serialised JSON: the signature covers the
//! exact bytes sent. Money moves only after [`WebhookVerifier::verify`] passed and [`once`]
//! acquired the event id, so a replayed or duplicated delivery changes nothing.

use std::future::Future;
use std::time::Duration;

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::ApiError;
use crate::idempotency::{Claim, IdempotencyStore};

type HmacSha256 = Hmac<Sha256>;

/// How a provider signs its deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over `"{t}.{body}"`; deliveries
    /// older or newer than `tolerance` are refused (replay window).
    Stripe { tolerance: Duration },
    /// One hex HMAC of the raw body in `header` (Razorpay: `X-Razorpay-Signature`).
    BodyHex { header: &'static str },
}

/// Why a delivery was refused. All of these are the sender's problem (answer 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is missing")]
    Missing,
    #[error("the signature header is malformed")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches the body")]
    Mismatch,
}

/// Checks deliveries of one endpoint with its secret.
#[derive(Clone)]
pub struct WebhookVerifier {
    secret: SecretString,
    scheme: Scheme,
}

impl std::fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

impl WebhookVerifier {
    pub fn new(secret: SecretString, scheme: Scheme) -> Self {
        Self { secret, scheme }
    }

    /// Verifies `body` (the raw bytes received) against the request's signature header.
    pub fn verify(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<(), SignatureError> {
        let secret = self.secret.expose_secret().as_bytes();
        match self.scheme {
            Scheme::BodyHex { header } => {
                let signature = header_text(headers, header)?;
                matches_hex(secret, &[body], signature)
                    .then_some(())
                    .ok_or(SignatureError::Mismatch)
            }
            Scheme::Stripe { tolerance } => {
                let header = header_text(headers, "stripe-signature")?;
                let (at, signatures) = parse_stripe(header)?;
                if now.unix_timestamp().abs_diff(at) > tolerance.as_secs() {
                    return Err(SignatureError::Stale);
                }
                // One MAC of the payload, compared with each candidate in constant time: a
                // header stuffed with candidates costs one hash, not one per candidate.
                let mut mac = HmacSha256::new_from_slice(secret).expect("any key length");
                mac.update(format!("{at}.").as_bytes());
                mac.update(body);
                let expected = mac.finalize().into_bytes();
                signatures
                    .iter()
                    .filter_map(|sig| unhex(sig).filter(|bytes| bytes.len() == expected.len()))
                    .any(|sig| bool::from(expected.as_slice().ct_eq(&sig)))
                    .then_some(())
                    .ok_or(SignatureError::Mismatch)
            }
        }
    }
}

/// HMAC-SHA256 of the concatenated `parts`, lower-case hex (what providers send and what the
/// local stand-ins sign with).
pub fn sign_hex(secret: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    parts.iter().for_each(|part| mac.update(part));
    hex(&mac.finalize().into_bytes())
}

/// True when `signature_hex` is the HMAC-SHA256 of `parts`; compared in constant time.
pub fn matches_hex(secret: &[u8], parts: &[&[u8]], signature_hex: &str) -> bool {
    let Some(signature) = unhex(signature_hex.trim()) else {
        return false;
    };
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    parts.iter().for_each(|part| mac.update(part));
    mac.verify_slice(&signature).is_ok()
}

/// What [`once`] did with a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// First delivery of this event: the effect ran.
    Handled,
    /// Seen and handled before: nothing ran (answer 200 so the provider stops retrying).
    Duplicate,
    /// Another delivery of it is being handled right now (answer 409: the provider retries).
    InProgress,
}

impl Delivery {
    /// The provider's answer: 200 for a delivery handled now or before, 409 while another
    /// delivery of the event is being handled (the provider retries).
    pub fn answer(self) -> Result<(), ApiError> {
        match self {
            Delivery::Handled | Delivery::Duplicate => Ok(()),
            Delivery::InProgress => Err(ApiError::Conflict {
                problem: "webhook-in-progress",
                detail: "This event is being handled; deliver it again later.".into(),
            }),
        }
    }
}

/// Runs `effect` once per `(provider, event_id)`: claims the id in the idempotency store,
/// runs the effect, and completes the claim; a failed effect releases it so the provider's
/// retry runs it again (answer its error, e.g. 409 `contention`, so the provider retries).
/// The effect must itself be safe to run twice after a crash between its write and the
/// completion (a conditional write keyed by the provider's object id).
pub async fn once<F, Fut, E>(
    replays: &IdempotencyStore,
    provider: &str,
    event_id: &str,
    effect: F,
) -> Result<Delivery, E>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: From<anyhow::Error>,
{
    let key = format!("webhook:{provider}:{event_id}");
    match replays.claim(&key, Duration::from_secs(60)).await? {
        Claim::Completed(_) => return Ok(Delivery::Duplicate),
        Claim::InProgress => return Ok(Delivery::InProgress),
        Claim::Acquired => {}
    }
    match effect().await {
        Ok(()) => {
            replays.complete(&key).await?;
            Ok(Delivery::Handled)
        }
        Err(error) => {
            if let Err(release) = replays.release(&key).await {
                tracing::warn!(error = format!("{release:#}"), key, "claim not released");
            }
            Err(error)
        }
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, SignatureError> {
    headers
        .get(name)
        .ok_or(SignatureError::Missing)?
        .to_str()
        .map_err(|_| SignatureError::Malformed)
}

/// Stripe sends one `v1` per active secret (two while one is rolled); more is not a delivery.
const MAX_STRIPE_SIGNATURES: usize = 8;

fn parse_stripe(header: &str) -> Result<(i64, Vec<&str>), SignatureError> {
    let mut at = None;
    let mut signatures = Vec::new();
    for part in header.split(',').take(2 * MAX_STRIPE_SIGNATURES) {
        match part.trim().split_once('=') {
            Some(("t", value)) => at = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    match at {
        Some(at) if (1..=MAX_STRIPE_SIGNATURES).contains(&signatures.len()) => Ok((at, signatures)),
        _ => Err(SignatureError::Malformed),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || text.len() > 256 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
