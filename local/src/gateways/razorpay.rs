//! The Razorpay stand-in: orders and payments of Razorpay's API (HTTP basic auth with the key
//! id and secret), plus what the checkout and Razorpay would do next: `POST /_pay/{order_id}`
//! pays an order and answers the signed result the checkout hands the browser, optionally
//! sending the signed `payment.captured` webhook to `/mess/webhooks/razorpay`, and
//! `POST /_webhooks/resend/{payment_id}` delivers that event again (same event id).

mod checkout;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Refusal, Webhooks, random_id};
use checkout::{pay, resend};

/// Where the API receives Razorpay's webhooks.
pub const WEBHOOK_PATH: &str = "/mess/webhooks/razorpay";

/// The API key pair and the webhook secret the stand-in accepts and signs with.
#[derive(Clone)]
pub struct Credentials {
    pub key_id: String,
    pub key_secret: String,
    pub webhook_secret: String,
}

/// The stand-in's routes, relative to where it is mounted.
pub fn router(credentials: Credentials, webhooks: Webhooks) -> Router {
    let state = Arc::new(Razorpay {
        credentials,
        webhooks,
        book: Mutex::default(),
    });
    Router::new()
        .route("/", get(everything))
        .route("/v1/orders", post(create_order))
        .route("/v1/orders/{id}", get(order))
        .route("/v1/payments/{id}", get(payment))
        .route("/_pay/{order_id}", post(pay))
        .route("/_webhooks/resend/{payment_id}", post(resend))
        .with_state(state)
}

struct Razorpay {
    credentials: Credentials,
    webhooks: Webhooks,
    book: Mutex<Book>,
}

#[derive(Default)]
struct Book {
    orders: HashMap<String, Order>,
    payments: HashMap<String, Payment>,
}

#[derive(Clone, Serialize)]
struct Order {
    id: String,
    entity: &'static str,
    amount: u64,
    amount_paid: u64,
    amount_due: u64,
    currency: String,
    receipt: Option<String>,
    offer_id: Option<String>,
    status: &'static str,
    attempts: u32,
    notes: Value,
    created_at: i64,
}

#[derive(Clone, Serialize)]
struct PaymentEntity {
    id: String,
    entity: &'static str,
    amount: u64,
    currency: String,
    status: &'static str,
    captured: bool,
    order_id: String,
    method: &'static str,
    created_at: i64,
}

/// A payment and its webhook event, kept byte for byte so a resend is the same delivery.
struct Payment {
    entity: PaymentEntity,
    event_id: String,
    event: Vec<u8>,
}

/// `POST /v1/orders`: what Razorpay reads of it.
#[derive(Deserialize)]
struct NewOrder {
    amount: u64,
    currency: String,
    receipt: Option<String>,
    #[serde(default)]
    notes: Option<serde_json::Map<String, Value>>,
}

/// Razorpay's error shape.
fn refuse(status: StatusCode, description: &str) -> Refusal {
    let error = json!({"error": {"code": "BAD_REQUEST_ERROR", "description": description}});
    Refusal(status, error)
}

fn bad_request(description: impl std::fmt::Display) -> Refusal {
    refuse(StatusCode::BAD_REQUEST, &description.to_string())
}

fn not_found(what: &str) -> Refusal {
    refuse(
        StatusCode::NOT_FOUND,
        &format!("The id provided does not exist: no such {what}"),
    )
}

/// The stand-in's own failure (no randomness for an id).
fn internal(error: anyhow::Error) -> Refusal {
    let error = json!({"error": {"code": "SERVER_ERROR", "description": error.to_string()}});
    Refusal(StatusCode::INTERNAL_SERVER_ERROR, error)
}

type Answer = Result<axum::Json<Value>, Refusal>;

impl Razorpay {
    /// HTTP basic auth with `key_id:key_secret`, as Razorpay's API takes it.
    fn authenticate(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let expected = format!(
            "{}:{}",
            self.credentials.key_id, self.credentials.key_secret
        );
        let given = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|b64| STANDARD.decode(b64.trim()).ok());
        match given {
            Some(pair) if pair == expected.as_bytes() => Ok(()),
            _ => Err(refuse(StatusCode::UNAUTHORIZED, "Authentication failed")),
        }
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn to_json(value: &impl Serialize) -> axum::Json<Value> {
    axum::Json(serde_json::to_value(value).expect("plain data serialises"))
}

async fn create_order(State(rzp): State<Arc<Razorpay>>, headers: HeaderMap, body: Bytes) -> Answer {
    rzp.authenticate(&headers)?;
    let new: NewOrder = serde_json::from_slice(&body).map_err(bad_request)?;
    if new.amount < 100 {
        return Err(bad_request("The amount must be atleast INR 1.00"));
    }
    if new.currency.len() != 3 || !new.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(bad_request("The currency is invalid."));
    }
    if new.receipt.as_ref().is_some_and(|r| r.chars().count() > 40) {
        return Err(bad_request(
            "The receipt may not be greater than 40 characters.",
        ));
    }
    let order = Order {
        id: random_id("order_", 14).map_err(internal)?,
        entity: "order",
        amount: new.amount,
        amount_paid: 0,
        amount_due: new.amount,
        currency: new.currency,
        receipt: new.receipt,
        offer_id: None,
        status: "created",
        attempts: 0,
        notes: Value::Object(new.notes.unwrap_or_default()),
        created_at: rzp.webhooks.now(),
    };
    rzp.book().orders.insert(order.id.clone(), order.clone());
    Ok(to_json(&order))
}

async fn order(
    State(rzp): State<Arc<Razorpay>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    rzp.authenticate(&headers)?;
    let book = rzp.book();
    book.orders
        .get(&id)
        .map(to_json)
        .ok_or_else(|| not_found("order"))
}

async fn payment(
    State(rzp): State<Arc<Razorpay>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    rzp.authenticate(&headers)?;
    let book = rzp.book();
    let payment = book.payments.get(&id).ok_or_else(|| not_found("payment"))?;
    Ok(to_json(&payment.entity))
}

/// `GET /`: what the stand-in holds, for a look from the browser.
async fn everything(State(rzp): State<Arc<Razorpay>>) -> axum::Json<Value> {
    let book = rzp.book();
    let orders: Vec<&Order> = book.orders.values().collect();
    let payments: Vec<&PaymentEntity> = book.payments.values().map(|p| &p.entity).collect();
    axum::Json(json!({"orders": orders, "payments": payments}))
}
