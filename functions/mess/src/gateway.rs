//! What the mess needs from Razorpay, behind a trait, and its implementation over HTTP
//! (`bazaar_shared::outbound::HttpService`, basic auth `key_id:key_secret`). The base URL comes
//! from configuration: the local stack points it at its Razorpay stand-in.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use axum::http::Method;
use bazaar_shared::outbound::{HttpService, OutboundError, Retry};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// A boxed future, so that the gateway can be `dyn`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// `POST /v1/orders`.
#[derive(Debug, Serialize)]
pub struct OrderRequest {
    /// Minor units (paise).
    pub amount: u64,
    pub currency: String,
    /// Our order id: Razorpay refuses a receipt twice, so creating is safe to retry.
    pub receipt: String,
}

/// The gateway's order (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct GatewayOrder {
    pub id: String,
    pub amount: u64,
}

/// The gateway's payment (the fields we use); also the entity of a `payment.captured` webhook.
#[derive(Debug, Clone, Deserialize)]
pub struct GatewayPayment {
    pub id: String,
    pub amount: u64,
    pub currency: String,
    pub status: String,
    #[serde(default)]
    pub captured: bool,
    pub order_id: Option<String>,
}

/// A payment provider, as the mess uses it.
pub trait PaymentGateway: Send + Sync {
    fn create_order<'a>(
        &'a self,
        order: &'a OrderRequest,
    ) -> BoxFuture<'a, Result<GatewayOrder, OutboundError>>;

    fn payment<'a>(
        &'a self,
        payment_id: &'a str,
    ) -> BoxFuture<'a, Result<GatewayPayment, OutboundError>>;
}

/// Razorpay's REST API.
pub struct RazorpayGateway {
    http: HttpService,
    key_id: String,
    key_secret: SecretString,
}

impl RazorpayGateway {
    /// A client of `base_url` (`https://api.razorpay.com` in production).
    pub fn new(base_url: &str, key_id: String, key_secret: SecretString) -> anyhow::Result<Self> {
        Ok(Self {
            http: HttpService::new("razorpay", base_url, Duration::from_secs(5))?,
            key_id,
            key_secret,
        })
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, path)
            .basic_auth(&self.key_id, Some(self.key_secret.expose_secret()))
    }
}

impl PaymentGateway for RazorpayGateway {
    fn create_order<'a>(
        &'a self,
        order: &'a OrderRequest,
    ) -> BoxFuture<'a, Result<GatewayOrder, OutboundError>> {
        let request = self.request(Method::POST, "/v1/orders").json(order);
        Box::pin(self.http.send(request, Retry::Safe))
    }

    fn payment<'a>(
        &'a self,
        payment_id: &'a str,
    ) -> BoxFuture<'a, Result<GatewayPayment, OutboundError>> {
        let request = self.request(Method::GET, &format!("/v1/payments/{payment_id}"));
        Box::pin(self.http.send(request, Retry::Safe))
    }
}

#[cfg(test)]
#[path = "gateway_tests.rs"]
mod tests;
