//! The hosted checkout and what Stripe does after it: the page (`GET /_checkout/{id}`), paying
//! (`POST /_checkout/{id}/pay`), which completes the session and sends the signed
//! `checkout.session.completed` event, and resending an event (`POST /_events/resend/{id}`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bazaar_shared::webhook::sign_hex;
use serde_json::{Value, json};

use super::{Answer, Refusal, Stripe, WEBHOOK_PATH, internal, no_such};
use crate::gateways::random_id;

impl Stripe {
    /// Signs `event` as Stripe does (`t=<now>,v1=<hex>` over `"{t}.{body}"`) and sends it.
    async fn deliver(&self, event: Vec<u8>) -> serde_json::Map<String, Value> {
        let at = self.webhooks.now().to_string();
        let secret = self.credentials.webhook_secret.as_bytes();
        let signature = sign_hex(secret, &[at.as_bytes(), b".", &event]);
        let header = ("stripe-signature", format!("t={at},v1={signature}"));
        self.webhooks.deliver(WEBHOOK_PATH, &[header], event).await
    }
}

/// Completes the session as a paying customer would, and sends `checkout.session.completed`.
/// Paying a completed session again sends a new event for it (a provider's second event).
/// A browser (the checkout page's form, `Accept: text/html`) is then sent to the session's
/// `success_url`, as Stripe's hosted checkout does; other callers get what was delivered.
pub(super) async fn pay(
    State(stripe): State<Arc<Stripe>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let from_browser = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    match complete(&stripe, &id).await {
        Ok((_, success_url)) if from_browser => Redirect::to(&success_url).into_response(),
        Ok((answer, _)) => axum::Json(answer).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// Pays session `id` and delivers its event: what was delivered, and where to send the payer.
async fn complete(stripe: &Stripe, id: &str) -> Result<(Value, String), Refusal> {
    let event_id = random_id("evt_", 24).map_err(internal)?;
    let payment_intent = random_id("pi_", 24).map_err(internal)?;
    let created = stripe.webhooks.now();
    let (event, success_url) = {
        let mut book = stripe.book();
        let session = book
            .sessions
            .get_mut(id)
            .ok_or_else(|| no_such("checkout.session", id))?;
        session.status = "complete";
        session.payment_status = "paid";
        session.payment_intent.get_or_insert(payment_intent);
        let event = json!({
            "id": event_id,
            "object": "event",
            "api_version": "2024-06-20",
            "type": "checkout.session.completed",
            "created": created,
            "livemode": false,
            "data": {"object": session},
        });
        let success_url = session.success_url.clone();
        let event = serde_json::to_vec(&event).expect("plain data serialises");
        book.events.insert(event_id.clone(), event.clone());
        (event, success_url)
    };
    let mut answer = serde_json::Map::new();
    answer.insert("event_id".into(), event_id.into());
    answer.extend(stripe.deliver(event).await);
    Ok((Value::Object(answer), success_url))
}

/// Delivers an event again, as Stripe retries: the same bytes, a new `t` and signature.
pub(super) async fn resend(
    State(stripe): State<Arc<Stripe>>,
    Path(event_id): Path<String>,
) -> Answer {
    let event = stripe.book().events.get(&event_id).cloned();
    let event = event.ok_or_else(|| no_such("event", &event_id))?;
    let mut answer = serde_json::Map::new();
    answer.insert("event_id".into(), event_id.into());
    answer.extend(stripe.deliver(event).await);
    Ok(axum::Json(Value::Object(answer)))
}

/// The hosted checkout page: the amount and a Pay button.
pub(super) async fn checkout_page(
    State(stripe): State<Arc<Stripe>>,
    Path(id): Path<String>,
) -> Response {
    let book = stripe.book();
    let Some(session) = book.sessions.get(&id) else {
        return no_such("checkout.session", &id).into_response();
    };
    let amount = format!(
        "{}.{:02} {}",
        session.amount_total / 100,
        session.amount_total % 100,
        session.currency.to_uppercase()
    );
    let action = format!("{}/_checkout/{}/pay", stripe.self_url, session.id);
    Html(format!(
        "<!doctype html>\n<html><head><title>Pay {amount}</title><meta charset=\"utf-8\"></head>\n\
         <body><h1>Stripe stand-in</h1><p>Session {id}: {amount} ({status}, {payment_status})</p>\n\
         <form method=\"post\" action=\"{action}\"><button>Pay {amount}</button></form>\n\
         <p>Paying sends the signed checkout.session.completed event to the API.</p></body></html>",
        id = session.id,
        status = session.status,
        payment_status = session.payment_status,
    ))
    .into_response()
}
