//! The Stripe stand-in, driven as the nano crate and a paying buyer would.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use bazaar_shared::webhook::{Scheme, WebhookVerifier};
use serde_json::json;
use tower::ServiceExt;

use super::*;

const SESSION: &str = "mode=payment&success_url=http%3A%2F%2Fx%2Fok\
    &line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd\
    &line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=100\
    &line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=10+coins\
    &line_items%5B0%5D%5Bquantity%5D=1&client_reference_id=u1&metadata%5Bpackage%5D=p10";

#[tokio::test]
async fn paying_a_stripe_checkout_session_sends_the_signed_completed_event() {
    let gw = gateways().await;
    let key = gw.secrets.stripe_secret_key.clone();
    let (status, _) = gw
        .call(gw.stripe("POST", "/v1/checkout/sessions", "sk_test_wrong", SESSION))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, session) = gw
        .call(gw.stripe("POST", "/v1/checkout/sessions", &key, SESSION))
        .await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert!(is_id(&session["id"], "cs_test_", 24));
    assert_eq!(
        (&session["amount_total"], &session["payment_status"]),
        (&json!(100), &json!("unpaid"))
    );
    let id = session["id"].as_str().unwrap();
    assert!(
        session["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{STRIPE_PATH}/_checkout/{id}"))
    );
    let page = Request::get(format!("{STRIPE_PATH}/_checkout/{id}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        gw.app.clone().oneshot(page).await.unwrap().status(),
        StatusCode::OK
    );

    let (_, paid) = gw
        .call(gw.stripe("POST", &format!("/_checkout/{id}/pay"), "", ""))
        .await;

    assert_eq!(paid["webhook_status"], 200, "{paid}");
    let [webhook] = gw.received().try_into().unwrap();
    assert_eq!(webhook.path, crate::gateways::stripe::WEBHOOK_PATH);
    // The verifier the payment crates use, with Stripe's tolerance.
    let secret = gw.secrets.stripe_webhook_secret.as_str().into();
    let tolerance = std::time::Duration::from_secs(300);
    let verifier = WebhookVerifier::new(secret, Scheme::Stripe { tolerance });
    let verified = verifier.verify(&webhook.headers, &webhook.body, Clock::system().now());
    assert_eq!(verified, Ok(()));
    let event: Value = serde_json::from_slice(&webhook.body).unwrap();
    assert_eq!(
        (&event["id"], &event["type"]),
        (&paid["event_id"], &json!("checkout.session.completed"))
    );
    assert_eq!(event["data"]["object"]["payment_status"], "paid");
    assert_eq!(event["data"]["object"]["metadata"]["package"], "p10");
    let (_, fetched) = gw
        .call(gw.stripe("GET", &format!("/v1/checkout/sessions/{id}"), &key, ""))
        .await;
    assert_eq!(
        (&fetched["status"], &fetched["payment_status"]),
        (&json!("complete"), &json!("paid"))
    );

    let resend = format!("/_events/resend/{}", paid["event_id"].as_str().unwrap());
    let (_, resent) = gw.call(gw.stripe("POST", &resend, "", "")).await;
    assert_eq!(resent["webhook_status"], 200);
    let [first, again] = gw.received().try_into().unwrap();
    assert_eq!(first.body, again.body, "the same event, freshly signed");
    let (status, _) = gw
        .call(gw.stripe("POST", "/_checkout/cs_test_none/pay", "", ""))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_stripe_request_with_the_same_idempotency_key_gets_the_same_session() {
    let gw = gateways().await;
    let key = gw.secrets.stripe_secret_key.clone();
    let request = || {
        let mut request = gw.stripe("POST", "/v1/checkout/sessions", &key, SESSION);
        request
            .headers_mut()
            .insert("idempotency-key", "k1".parse().unwrap());
        request
    };
    let (_, first) = gw.call(request()).await;
    let (_, second) = gw.call(request()).await;
    assert_eq!(first["id"], second["id"]);
    let (status, refused) = gw
        .call(gw.stripe("POST", "/v1/checkout/sessions", &key, "mode=payment"))
        .await;
    assert_eq!(
        (status, &refused["error"]["param"]),
        (StatusCode::BAD_REQUEST, &json!("success_url"))
    );
}
