//! Stripe, as far as buying coins needs it: opening a Checkout Session. The answer's only use
//! is its URL; coins are credited by the signed webhook alone (`webhook_api`).

use std::collections::HashMap;
use std::time::Duration;

use axum::http::Method;
use axum::http::header::CONTENT_TYPE;
use bazaar_shared::outbound::{HttpService, OutboundError, Retry};
use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// A checkout to open: what is sold, for whom, and where the buyer returns.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub user_id: String,
    pub package: String,
    pub coins: u64,
    pub price_cents: u64,
    pub success_url: String,
    pub cancel_url: String,
}

/// The part of Stripe's Checkout Session we read.
#[derive(Debug, Clone, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    pub url: Option<String>,
    #[serde(default)]
    pub payment_status: Option<String>,
    #[serde(default)]
    pub amount_total: Option<u64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
}

/// What the wallet needs from a payment provider (a boxed future, so it can be `dyn`).
pub trait StripeGateway: Send + Sync {
    fn create_checkout<'a>(
        &'a self,
        request: &'a CheckoutRequest,
    ) -> BoxFuture<'a, Result<CheckoutSession, OutboundError>>;
}

/// Stripe's HTTP API: form-encoded bodies, the secret key as a bearer token.
pub struct Stripe {
    http: HttpService,
    secret_key: SecretString,
}

impl Stripe {
    /// `base_url`: `STRIPE_BASE_URL` (the real API, or the local stand-in).
    pub fn new(base_url: &str, secret_key: SecretString) -> anyhow::Result<Self> {
        Ok(Self {
            http: HttpService::new("stripe", base_url, Duration::from_secs(8))?,
            secret_key,
        })
    }
}

fn checkout_form(request: &CheckoutRequest) -> Result<String, serde_urlencoded::ser::Error> {
    let (coins, price) = (request.coins.to_string(), request.price_cents.to_string());
    let name = format!("{} coins ({})", request.coins, request.package);
    serde_urlencoded::to_string([
        ("mode", "payment"),
        ("success_url", &request.success_url),
        ("cancel_url", &request.cancel_url),
        ("client_reference_id", &request.user_id),
        ("line_items[0][quantity]", "1"),
        ("line_items[0][price_data][currency]", "usd"),
        ("line_items[0][price_data][unit_amount]", &price),
        ("line_items[0][price_data][product_data][name]", &name),
        ("metadata[user_id]", &request.user_id),
        ("metadata[package]", &request.package),
        ("metadata[coins]", &coins),
    ])
}

impl StripeGateway for Stripe {
    fn create_checkout<'a>(
        &'a self,
        request: &'a CheckoutRequest,
    ) -> BoxFuture<'a, Result<CheckoutSession, OutboundError>> {
        Box::pin(async move {
            let form = checkout_form(request).map_err(|e| OutboundError::Unreadable {
                service: "stripe",
                reason: e.to_string(),
            })?;
            // Stripe de-duplicates by Idempotency-Key, so a retry cannot open two sessions.
            let request = self
                .http
                .request(Method::POST, "/v1/checkout/sessions")
                .bearer_auth(self.secret_key.expose_secret())
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .body(form);
            self.http.send(request, Retry::Safe).await
        })
    }
}

#[cfg(test)]
#[path = "gateway_tests.rs"]
mod tests;
