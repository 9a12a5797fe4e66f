//! Razorpay's webhook: a student who closes the page before verifying still gets their tokens.
//! Raw body → `X-Razorpay-Signature` → the event id claimed once → the same `settle` as verify
//! (itself keyed by the order and the payment id, so even a crash between cannot issue twice).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use bazaar_shared::ApiError;
use bazaar_shared::extract::RawBody;
use bazaar_shared::webhook;
use serde::Deserialize;

use crate::gateway::GatewayPayment;
use crate::mess_tokens::TokensState;
use crate::order_api::settle;
use crate::store::IssueError;

/// The parts of an event we read.
#[derive(Debug, Deserialize)]
struct Event {
    event: String,
    payload: Payload,
}

#[derive(Debug, Deserialize)]
struct Payload {
    payment: Option<Entity>,
}

#[derive(Debug, Deserialize)]
struct Entity {
    entity: GatewayPayment,
}

/// Events that mean "this order is paid".
const PAID_EVENTS: [&str; 2] = ["payment.captured", "order.paid"];

/// Receives Razorpay's events: `payment.captured` and `order.paid` issue the order's tokens
/// once; other events, and payments of orders that are not ours, are acknowledged and ignored.
#[utoipa::path(post, path = "/mess/webhooks/razorpay", tag = "mess tokens",
    request_body(content = String, description = "The event, as Razorpay signed it"),
    params(("X-Razorpay-Signature" = String, Header, description = "hex HMAC-SHA256 of the body"),
        ("X-Razorpay-Event-Id" = String, Header, description = "Unique per event")),
    responses((status = 200, description = "handled, duplicate or ignored"),
        (status = 400, description = "bad signature or body"),
        (status = 409, description = "the same event is being handled")))]
pub(crate) async fn razorpay_webhook(
    State(state): State<TokensState>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<StatusCode, ApiError> {
    state
        .webhooks
        .verify(&headers, &body, state.clock.now())
        .map_err(|e| ApiError::bad_request(format!("Refused delivery: {e}.")))?;
    let event_id = headers
        .get("x-razorpay-event-id")
        .and_then(|v| v.to_str().ok())
        .filter(|id| (1..=100).contains(&id.len()))
        .ok_or_else(|| ApiError::bad_request("X-Razorpay-Event-Id is missing."))?
        .to_owned();
    let event: Event = serde_json::from_slice(&body)
        .map_err(|_| ApiError::bad_request("The event is not one Razorpay sends."))?;
    let payment = match event.payload.payment {
        Some(Entity { entity }) if PAID_EVENTS.contains(&event.event.as_str()) => entity,
        _ => return Ok(StatusCode::OK),
    };
    webhook::once(&state.replays, "razorpay", &event_id, || async {
        paid(&state, &payment).await
    })
    .await?
    .answer()?;
    Ok(StatusCode::OK)
}

/// Issues the tokens of the order `payment` pays; a payment that cannot pay it is logged and
/// acknowledged (Razorpay retrying would not change it).
async fn paid(state: &TokensState, payment: &GatewayPayment) -> Result<(), ApiError> {
    let Some(gateway_order_id) = payment.order_id.as_deref() else {
        return Ok(());
    };
    let Some(order) = state.store.order_by_gateway(gateway_order_id).await? else {
        tracing::warn!(gateway_order_id, "a webhook for an order that is not ours");
        return Ok(());
    };
    match settle(state, &order, payment).await {
        Ok(_) => Ok(()),
        // Razorpay retries these: the items were busy, or the store failed.
        Err(error @ (IssueError::Contention | IssueError::Other(_))) => Err(error.into()),
        Err(refused) => {
            tracing::warn!(error = %refused, payment = %payment.id, "a webhook payment was refused");
            Ok(())
        }
    }
}
