//! What Razorpay's checkout and Razorpay itself would do once an order exists: the customer
//! pays (`POST /_pay/{order_id}`), the browser gets the signed result, and Razorpay sends the
//! signed webhook event, again on `POST /_webhooks/resend/{payment_id}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use bazaar_shared::webhook::sign_hex;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Answer, Payment, PaymentEntity, Razorpay, WEBHOOK_PATH, bad_request, internal, not_found,
};
use crate::gateways::{Refusal, random_id};

/// `POST /_pay/{order_id}`: how the customer pays (all optional).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayOptions {
    /// False leaves the payment `authorized` (and the order `attempted`).
    #[serde(default = "yes")]
    capture: bool,
    /// Pays another amount than the order's (a tampered checkout).
    amount: Option<u64>,
    /// Also send the signed webhook event to the API.
    #[serde(default)]
    webhook: bool,
}

fn yes() -> bool {
    true
}

/// Pays the order as the checkout would, and answers what the checkout hands the browser.
pub(super) async fn pay(
    State(rzp): State<Arc<Razorpay>>,
    Path(order_id): Path<String>,
    body: Bytes,
) -> Answer {
    let options: PayOptions = match body.is_empty() {
        true => serde_json::from_str("{}").expect("every option has a default"),
        false => serde_json::from_slice(&body).map_err(bad_request)?,
    };
    let (payment_id, event_id, event) = record_payment(&rzp, &order_id, &options)?;
    let signature = sign_hex(
        rzp.credentials.key_secret.as_bytes(),
        &[order_id.as_bytes(), b"|", payment_id.as_bytes()],
    );
    let mut answer = json!({
        "razorpay_order_id": order_id,
        "razorpay_payment_id": payment_id,
        "razorpay_signature": signature,
    });
    if options.webhook {
        let report = deliver(&rzp, &event_id, event).await;
        answer.as_object_mut().expect("an object").extend(report);
    }
    Ok(axum::Json(answer))
}

/// Creates the payment, moves the order on and prepares the payment's webhook event.
fn record_payment(
    rzp: &Razorpay,
    order_id: &str,
    options: &PayOptions,
) -> Result<(String, String, Vec<u8>), Refusal> {
    let now = rzp.webhooks.now();
    let mut book = rzp.book();
    let order = book
        .orders
        .get_mut(order_id)
        .ok_or_else(|| not_found("order"))?;
    if order.status == "paid" {
        return Err(bad_request("Order has already been paid"));
    }
    let entity = PaymentEntity {
        id: random_id("pay_", 14).map_err(internal)?,
        entity: "payment",
        amount: options.amount.unwrap_or(order.amount),
        currency: order.currency.clone(),
        status: if options.capture {
            "captured"
        } else {
            "authorized"
        },
        captured: options.capture,
        order_id: order_id.to_owned(),
        method: "card",
        created_at: now,
    };
    order.attempts += 1;
    order.status = "attempted";
    if options.capture {
        order.status = "paid";
        order.amount_paid = entity.amount;
        order.amount_due = order.amount.saturating_sub(entity.amount);
    }
    let event = json!({
        "entity": "event",
        "account_id": "acc_local",
        "event": format!("payment.{}", entity.status),
        "contains": ["payment"],
        "payload": {"payment": {"entity": entity}},
        "created_at": now,
    });
    let event = serde_json::to_vec(&event).expect("plain data serialises");
    let event_id = random_id("evt_", 14).map_err(internal)?;
    let payment_id = entity.id.clone();
    let payment = Payment {
        entity,
        event_id: event_id.clone(),
        event: event.clone(),
    };
    book.payments.insert(payment_id.clone(), payment);
    Ok((payment_id, event_id, event))
}

/// Sends a payment's event again: same event id, same bytes, as Razorpay retries.
pub(super) async fn resend(
    State(rzp): State<Arc<Razorpay>>,
    Path(payment_id): Path<String>,
) -> Answer {
    let (event_id, event) = {
        let book = rzp.book();
        let payment = book
            .payments
            .get(&payment_id)
            .ok_or_else(|| not_found("payment"))?;
        (payment.event_id.clone(), payment.event.clone())
    };
    Ok(axum::Json(Value::Object(
        deliver(&rzp, &event_id, event).await,
    )))
}

async fn deliver(rzp: &Razorpay, event_id: &str, event: Vec<u8>) -> serde_json::Map<String, Value> {
    let signature = sign_hex(rzp.credentials.webhook_secret.as_bytes(), &[&event]);
    let headers = [
        ("x-razorpay-signature", signature),
        ("x-razorpay-event-id", event_id.to_owned()),
    ];
    rzp.webhooks.deliver(WEBHOOK_PATH, &headers, event).await
}
