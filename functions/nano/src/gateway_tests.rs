//! The real `Stripe` client against a wiremock server answering what Stripe documents.

use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

fn request() -> CheckoutRequest {
    CheckoutRequest {
        user_id: "u1".into(),
        package: "small".into(),
        coins: 100,
        price_cents: 1000,
        success_url: "http://localhost:3000/nano/coins?checkout=success".into(),
        cancel_url: "http://localhost:3000/nano/coins?checkout=cancel".into(),
    }
}

fn stripe(server: &MockServer) -> Stripe {
    Stripe::new(&server.uri(), SecretString::from("sk_test_123")).unwrap()
}

#[tokio::test]
async fn a_checkout_session_is_opened_with_the_user_and_package_in_its_metadata() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header("authorization", "Bearer sk_test_123"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("mode=payment"))
        .and(body_string_contains("metadata%5Buser_id%5D=u1"))
        .and(body_string_contains("metadata%5Bpackage%5D=small"))
        .and(body_string_contains(
            "line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=1000",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": "cs_test_1", "object": "checkout.session",
            "url": "https://checkout.stripe.com/c/pay/cs_test_1",
            "payment_status": "unpaid", "amount_total": 1000, "currency": "usd",
            "metadata": {"user_id": "u1", "package": "small"}
        })))
        .expect(1)
        .mount(&server)
        .await;

    let session = stripe(&server).create_checkout(&request()).await.unwrap();

    assert_eq!(session.id, "cs_test_1");
    assert_eq!(
        session.url.as_deref(),
        Some("https://checkout.stripe.com/c/pay/cs_test_1")
    );
}

#[tokio::test]
async fn a_refusal_is_not_retried_and_an_outage_is_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": {"type": "invalid_request_error"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let refused = stripe(&server).create_checkout(&request()).await;
    assert!(matches!(refused, Err(OutboundError::Refused { .. })));

    let down = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&down)
        .await;
    let unavailable = stripe(&down).create_checkout(&request()).await;
    assert!(matches!(
        unavailable,
        Err(OutboundError::Unavailable { .. })
    ));
}
