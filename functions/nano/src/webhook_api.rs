//! `POST /nano/webhooks/stripe`: the only way coins are credited. The raw body's
//! `Stripe-Signature` is verified (300 s window, constant time), the event id is claimed once,
//! and a paid `checkout.session.completed` credits its package once per session.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use bazaar_shared::ApiError;
use bazaar_shared::extract::{Json, RawBody};
use bazaar_shared::webhook;
use serde::Deserialize;

use crate::gateway::CheckoutSession;
use crate::nano_wallet::WalletState;
use crate::store::{CreditError, PaidSession};

/// The envelope of a Stripe event.
#[derive(Debug, Deserialize)]
struct StripeEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Debug, Deserialize)]
struct EventData {
    object: serde_json::Value,
}

/// Receives Stripe's events. 400 for an unsigned, wrongly signed, altered or stale delivery
/// (nothing changes); 200 once handled or for a duplicate; 409 while the same event is being
/// handled or the wallet is too contended (Stripe retries).
#[utoipa::path(post, path = "/nano/webhooks/stripe", tag = "nano",
    request_body(content = String, content_type = "application/json",
        description = "A Stripe event, exactly as sent (the signature covers these bytes)"),
    params(("Stripe-Signature" = String, Header, description = "t=<unix>,v1=<hex HMAC-SHA256>")),
    responses((status = 200), (status = 400), (status = 409, description = "webhook-in-progress or contention")))]
pub(crate) async fn stripe_webhook(
    State(state): State<WalletState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    state
        .webhooks
        .verify(&headers, &body, state.clock.now())
        .map_err(|e| ApiError::bad_request(format!("The delivery was refused: {e}.")))?;
    let event: StripeEvent = serde_json::from_slice(&body)
        .map_err(|_| ApiError::bad_request("The body is not a Stripe event."))?;
    let received = (StatusCode::OK, Json(serde_json::json!({"received": true})));
    // A card payment completes the session paid; a delayed method (SEPA, ACH) completes it
    // unpaid and is paid by a later `async_payment_succeeded`: both credit through one path.
    const PAYING: [&str; 2] = [
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ];
    if !PAYING.contains(&event.kind.as_str()) {
        return Ok(received);
    }
    let session: CheckoutSession = serde_json::from_value(event.data.object)
        .map_err(|_| ApiError::bad_request("The event holds no checkout session."))?;
    webhook::once(&state.replays, "stripe", &event.id, || {
        credit(&state, &session)
    })
    .await?
    .answer()?;
    Ok(received)
}

/// Credits a paid session whose metadata names one of our users and packages, at the
/// package's price; anything else is logged and credits nothing.
async fn credit(state: &WalletState, session: &CheckoutSession) -> Result<(), ApiError> {
    if session.payment_status.as_deref() != Some("paid") {
        tracing::info!(session = %session.id, "checkout completed unpaid: nothing to credit");
        return Ok(());
    }
    let user_id = session.metadata.get("user_id");
    let package = session
        .metadata
        .get("package")
        .and_then(|name| state.packages.iter().find(|p| &p.name == name));
    let (Some(user_id), Some(package)) = (user_id, package) else {
        tracing::warn!(session = %session.id, "paid session without our metadata: not credited");
        return Ok(());
    };
    let paid_in_full = session.amount_total == Some(package.price_cents)
        && session
            .currency
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
            == Some("usd");
    if !paid_in_full {
        tracing::warn!(session = %session.id, amount = ?session.amount_total,
            "paid amount differs from the package price: not credited");
        return Ok(());
    }
    let paid = PaidSession {
        session_id: &session.id,
        user_id,
        package: &package.name,
        coins: package.coins,
        amount_cents: package.price_cents,
    };
    match state.store.credit_purchase(&paid, state.clock.now()).await {
        Ok(()) | Err(CreditError::AlreadyCredited) => Ok(()),
        // 409: Stripe delivers it again.
        Err(CreditError::Contention) => Err(ApiError::contention()),
        Err(CreditError::Other(error)) => Err(error.into()),
    }
}
