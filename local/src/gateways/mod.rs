//! Stand-ins for the payment gateways Bazaar calls: Razorpay (mess tokens) and Stripe
//! (nano-task coins), served by the dev server under [`RAZORPAY_PATH`] and [`STRIPE_PATH`].
//!
//! Each speaks the subset of its provider's HTTP API that the payment crates use, checks the
//! stack's `bazaar/<stage>/payments` credentials, and adds what a customer and the provider
//! would do next: pay, then the signed webhook the provider sends to our API. The template's
//! `RazorpayBaseUrl` and `StripeBaseUrl` point the functions here, so `make run` and the tests
//! buy tokens and coins without leaving this machine. State lives in memory, per stack.

pub mod razorpay;
pub mod stripe;

use anyhow::anyhow;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use axum::Router;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use bazaar_shared::Clock;
use serde::{Deserialize, Serialize};

/// Where the dev server mounts the Razorpay stand-in (the functions' `RAZORPAY_BASE_URL`).
pub const RAZORPAY_PATH: &str = "/_local/razorpay";
/// Where the dev server mounts the Stripe stand-in (the functions' `STRIPE_BASE_URL`).
pub const STRIPE_PATH: &str = "/_local/stripe";

/// The `bazaar/<stage>/payments` secret: API and webhook credentials of both gateways. On AWS
/// they come from the gateways' dashboards; a local stack makes a fresh set, which its
/// stand-ins accept and sign with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentSecrets {
    pub razorpay_key_id: String,
    pub razorpay_key_secret: String,
    pub razorpay_webhook_secret: String,
    pub stripe_secret_key: String,
    pub stripe_webhook_secret: String,
}

impl PaymentSecrets {
    /// Random test-mode credentials, shaped like the providers' own.
    pub fn generate() -> anyhow::Result<Self> {
        Ok(Self {
            razorpay_key_id: random_id("rzp_test_", 14)?,
            razorpay_key_secret: random_id("", 24)?,
            razorpay_webhook_secret: random_id("", 32)?,
            stripe_secret_key: random_id("sk_test_", 32)?,
            stripe_webhook_secret: random_id("whsec_", 32)?,
        })
    }

    /// The secret's JSON, as Secrets Manager would hold it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("plain strings serialise")
    }
}

/// Both stand-ins for a stack served at `base_url` (its API receives their webhooks), stamping
/// time with the stack's `clock` (Stripe's signature tolerance is checked against it).
pub fn router(secrets: &PaymentSecrets, base_url: &str, clock: &Clock) -> Router {
    let webhooks = Webhooks::new(base_url, clock.clone());
    let razorpay = razorpay::Credentials {
        key_id: secrets.razorpay_key_id.clone(),
        key_secret: secrets.razorpay_key_secret.clone(),
        webhook_secret: secrets.razorpay_webhook_secret.clone(),
    };
    let stripe = stripe::Credentials {
        secret_key: secrets.stripe_secret_key.clone(),
        webhook_secret: secrets.stripe_webhook_secret.clone(),
    };
    Router::new()
        .nest(RAZORPAY_PATH, razorpay::router(razorpay, webhooks.clone()))
        .nest(
            STRIPE_PATH,
            stripe::router(stripe, format!("{base_url}{STRIPE_PATH}"), webhooks),
        )
}

/// `prefix` followed by `len` random letters and digits (`order_`, `pay_`, `cs_test_`, `evt_`).
pub fn random_id(prefix: &str, len: usize) -> anyhow::Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // The largest multiple of 62 that fits a byte: taking bytes below it keeps letters uniform.
    const LIMIT: u8 = 248;
    let random = SystemRandom::new();
    let mut id = String::with_capacity(prefix.len() + len);
    id.push_str(prefix);
    let mut bytes = [0u8; 32];
    while id.len() < prefix.len() + len {
        random
            .fill(&mut bytes)
            .map_err(|_| anyhow!("no randomness"))?;
        let wanted = prefix.len() + len - id.len();
        let letters = bytes.iter().filter(|&&b| b < LIMIT).take(wanted);
        id.extend(letters.map(|&b| char::from(ALPHABET[usize::from(b) % ALPHABET.len()])));
    }
    Ok(id)
}

/// A stand-in's refusal: the status and the error body in its provider's shape.
#[derive(Debug)]
pub struct Refusal(pub StatusCode, pub serde_json::Value);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, axum::Json(self.1)).into_response()
    }
}

/// Sends the stand-ins' webhook events to the stack's API, as the providers would.
#[derive(Clone)]
pub struct Webhooks {
    http: reqwest::Client,
    api_base: String,
    clock: Clock,
}

impl Webhooks {
    pub fn new(api_base: &str, clock: Clock) -> Self {
        Self {
            http: reqwest::Client::new(),
            api_base: api_base.trim_end_matches('/').to_owned(),
            clock,
        }
    }

    /// Now, in Unix seconds, on the stack's clock.
    pub fn now(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }

    /// POSTs `body` with `headers` to the API's `path` and reports the outcome the way the
    /// stand-ins answer it: `webhook_status` (null when nothing came back, with
    /// `webhook_error`) and the API's answer in `webhook_response`.
    pub async fn deliver(
        &self,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> serde_json::Map<String, serde_json::Value> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.api_base))
            .header(CONTENT_TYPE, "application/json; charset=utf-8")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut report = serde_json::Map::new();
        match request.send().await {
            Ok(response) => {
                report.insert("webhook_status".into(), response.status().as_u16().into());
                let text = response.text().await.unwrap_or_default();
                let answer = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
                report.insert("webhook_response".into(), answer);
            }
            Err(error) => {
                tracing::warn!(%error, path, "webhook delivery failed");
                report.insert("webhook_status".into(), serde_json::Value::Null);
                report.insert("webhook_error".into(), error.to_string().into());
            }
        }
        report
    }
}

#[cfg(test)]
mod tests;
