//! The Stripe stand-in: Checkout Sessions of Stripe's API (`Authorization: Bearer <secret
//! key>`, form-encoded bodies), plus the hosted checkout: `GET /_checkout/{id}` is the page,
//! `POST /_checkout/{id}/pay` completes the session and sends the signed
//! `checkout.session.completed` event to `/nano/webhooks/stripe`, and
//! `POST /_events/resend/{event_id}` delivers an event again with a fresh signature.

mod checkout;
mod form;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};

use super::{Refusal, Webhooks, random_id};
use checkout::{checkout_page, pay, resend};

/// Where the API receives Stripe's webhooks.
pub const WEBHOOK_PATH: &str = "/nano/webhooks/stripe";

/// The secret key the stand-in accepts and the endpoint secret it signs events with.
#[derive(Clone)]
pub struct Credentials {
    pub secret_key: String,
    pub webhook_secret: String,
}

/// The stand-in's routes, relative to `self_url`, where it is mounted.
pub fn router(credentials: Credentials, self_url: String, webhooks: Webhooks) -> Router {
    let state = Arc::new(Stripe {
        credentials,
        self_url,
        webhooks,
        book: Mutex::default(),
    });
    Router::new()
        .route("/", get(everything))
        .route("/v1/checkout/sessions", post(create_session))
        .route("/v1/checkout/sessions/{id}", get(session))
        .route("/_checkout/{id}", get(checkout_page))
        .route("/_checkout/{id}/pay", post(pay))
        .route("/_events/resend/{event_id}", post(resend))
        .with_state(state)
}

struct Stripe {
    credentials: Credentials,
    self_url: String,
    webhooks: Webhooks,
    book: Mutex<Book>,
}

#[derive(Default)]
struct Book {
    sessions: HashMap<String, Session>,
    /// Every event sent, byte for byte, for resends.
    events: HashMap<String, Vec<u8>>,
    /// `Idempotency-Key` → the session that request created.
    idempotency: HashMap<String, String>,
}

/// A Checkout Session, as Stripe's API shows it.
#[derive(Clone, Serialize)]
struct Session {
    id: String,
    object: &'static str,
    url: String,
    mode: &'static str,
    status: &'static str,
    payment_status: &'static str,
    amount_subtotal: u64,
    amount_total: u64,
    currency: String,
    client_reference_id: Option<String>,
    customer_email: Option<String>,
    metadata: BTreeMap<String, String>,
    success_url: String,
    cancel_url: Option<String>,
    payment_intent: Option<String>,
    livemode: bool,
    created: i64,
}

/// Stripe's error shape.
fn refuse(status: StatusCode, message: &str, param: Option<&str>) -> Refusal {
    let mut error = json!({"type": "invalid_request_error", "message": message});
    if let Some(param) = param {
        error["param"] = param.into();
    }
    if status == StatusCode::NOT_FOUND {
        error["code"] = "resource_missing".into();
    }
    Refusal(status, json!({ "error": error }))
}

fn no_such(what: &str, id: &str) -> Refusal {
    refuse(
        StatusCode::NOT_FOUND,
        &format!("No such {what}: '{id}'"),
        Some("id"),
    )
}

fn internal(error: anyhow::Error) -> Refusal {
    refuse(StatusCode::INTERNAL_SERVER_ERROR, &error.to_string(), None)
}

type Answer = Result<axum::Json<Value>, Refusal>;

impl Stripe {
    /// `Authorization: Bearer <key>`, or basic auth with the key as user name, as Stripe takes it.
    fn authenticate(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let header = headers.get("authorization").and_then(|v| v.to_str().ok());
        let Some(header) = header else {
            let message = "You did not provide an API key. Provide it in the Authorization header, using Bearer auth.";
            return Err(refuse(StatusCode::UNAUTHORIZED, message, None));
        };
        let given = match header.strip_prefix("Basic ") {
            Some(b64) => STANDARD
                .decode(b64.trim())
                .ok()
                .and_then(|pair| String::from_utf8(pair).ok())
                .map(|pair| pair.trim_end_matches(':').to_owned()),
            None => header.strip_prefix("Bearer ").map(|k| k.trim().to_owned()),
        };
        match given {
            Some(key) if key == self.credentials.secret_key => Ok(()),
            _ => Err(refuse(
                StatusCode::UNAUTHORIZED,
                "Invalid API Key provided.",
                None,
            )),
        }
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn to_json(session: &Session) -> axum::Json<Value> {
    axum::Json(serde_json::to_value(session).expect("plain data serialises"))
}

async fn create_session(
    State(stripe): State<Arc<Stripe>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    stripe.authenticate(&headers)?;
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(key) = &idempotency_key {
        let book = stripe.book();
        if let Some(session) = book
            .idempotency
            .get(key)
            .and_then(|id| book.sessions.get(id))
        {
            return Ok(to_json(session));
        }
    }
    let new = form::NewSession::parse(&body)
        .map_err(|(param, message)| refuse(StatusCode::BAD_REQUEST, &message, Some(&param)))?;
    let id = random_id("cs_test_", 24).map_err(internal)?;
    let session = Session {
        url: format!("{}/_checkout/{id}", stripe.self_url),
        id,
        object: "checkout.session",
        mode: "payment",
        status: "open",
        payment_status: "unpaid",
        amount_subtotal: new.amount_total,
        amount_total: new.amount_total,
        currency: new.currency,
        client_reference_id: new.client_reference_id,
        customer_email: new.customer_email,
        metadata: new.metadata,
        success_url: new.success_url,
        cancel_url: new.cancel_url,
        payment_intent: None,
        livemode: false,
        created: stripe.webhooks.now(),
    };
    let mut book = stripe.book();
    if let Some(key) = idempotency_key {
        book.idempotency.insert(key, session.id.clone());
    }
    book.sessions.insert(session.id.clone(), session.clone());
    Ok(to_json(&session))
}

async fn session(
    State(stripe): State<Arc<Stripe>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    stripe.authenticate(&headers)?;
    let book = stripe.book();
    let session = book
        .sessions
        .get(&id)
        .ok_or_else(|| no_such("checkout.session", &id))?;
    Ok(to_json(session))
}

/// `GET /`: what the stand-in holds, for a look from the browser.
async fn everything(State(stripe): State<Arc<Stripe>>) -> axum::Json<Value> {
    let book = stripe.book();
    let sessions: Vec<&Session> = book.sessions.values().collect();
    let events: Vec<&String> = book.events.keys().collect();
    axum::Json(json!({"checkout_sessions": sessions, "events": events}))
}
