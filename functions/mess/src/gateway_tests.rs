//! The real `RazorpayGateway` against a wiremock server playing Razorpay.

use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{OrderRequest, PaymentGateway, RazorpayGateway};
use bazaar_shared::outbound::OutboundError;

fn gateway(server: &MockServer) -> RazorpayGateway {
    RazorpayGateway::new(
        &server.uri(),
        "rzp_key".into(),
        SecretString::from("secret"),
    )
    .unwrap()
}

#[tokio::test]
async fn orders_are_made_with_basic_auth_and_our_amount_and_receipt() {
    let server = MockServer::start().await;
    // base64("rzp_key:secret")
    Mock::given(method("POST"))
        .and(path("/v1/orders"))
        .and(header("authorization", "Basic cnpwX2tleTpzZWNyZXQ="))
        .and(body_partial_json(
            json!({"amount": 15000, "currency": "INR", "receipt": "ours"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "order_abc", "entity": "order", "amount": 15000, "amount_paid": 0,
            "amount_due": 15000, "currency": "INR", "receipt": "ours", "status": "created"})))
        .expect(1)
        .mount(&server)
        .await;
    let request = OrderRequest {
        amount: 15000,
        currency: "INR".into(),
        receipt: "ours".into(),
    };

    let order = gateway(&server).create_order(&request).await.unwrap();

    assert_eq!(order.id, "order_abc");
    assert_eq!(order.amount, 15000);
}

#[tokio::test]
async fn a_payment_is_read_and_a_failing_gateway_is_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_ok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "pay_ok", "entity": "payment", "amount": 500, "currency": "INR",
            "status": "captured", "captured": true, "order_id": "order_abc", "method": "card"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payments/pay_down"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let gateway = gateway(&server);

    let payment = gateway.payment("pay_ok").await.unwrap();
    let down = gateway.payment("pay_down").await;

    assert!(payment.captured);
    assert_eq!(payment.order_id.as_deref(), Some("order_abc"));
    assert!(matches!(down, Err(OutboundError::Unavailable { .. })));
}
