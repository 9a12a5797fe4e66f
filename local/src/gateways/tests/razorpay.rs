//! The Razorpay stand-in, driven as the mess crate and a paying student would.

use axum::http::StatusCode;
use bazaar_shared::webhook::{Scheme, WebhookVerifier, matches_hex};
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn a_razorpay_order_needs_the_key_pair() {
    let gw = gateways().await;
    let order =
        json!({"amount": 5000, "currency": "INR", "receipt": "r1", "notes": {"mess": "m1"}});

    let (status, wrong) = gw
        .call(gw.razorpay(
            "POST",
            "/v1/orders",
            (&gw.secrets.razorpay_key_id, "nope"),
            order.clone(),
        ))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong["error"]["code"], "BAD_REQUEST_ERROR");

    let (status, created) = gw
        .call(gw.razorpay_as_us("POST", "/v1/orders", order))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(is_id(&created["id"], "order_", 14), "{created}");
    assert_eq!(
        (
            &created["status"],
            &created["amount_due"],
            &created["notes"]["mess"]
        ),
        (&json!("created"), &json!(5000), &json!("m1"))
    );

    let bad = json!({"amount": 5, "currency": "INR"});
    let (status, _) = gw.call(gw.razorpay_as_us("POST", "/v1/orders", bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, missing) = gw
        .call(gw.razorpay_as_us("GET", "/v1/orders/order_none", Value::Null))
        .await;
    assert_eq!(
        (status, &missing["error"]["code"]),
        (StatusCode::NOT_FOUND, &json!("BAD_REQUEST_ERROR"))
    );
}

#[tokio::test]
async fn paying_a_razorpay_order_answers_a_signed_result_and_sends_the_signed_webhook() {
    let gw = gateways().await;
    let order = json!({"amount": 5000, "currency": "INR", "receipt": "r1"});
    let (_, order) = gw
        .call(gw.razorpay_as_us("POST", "/v1/orders", order))
        .await;
    let order_id = order["id"].as_str().unwrap();

    let pay = gw.razorpay_as_us(
        "POST",
        &format!("/_pay/{order_id}"),
        json!({"webhook": true}),
    );
    let (status, paid) = gw.call(pay).await;

    assert_eq!(
        (status, &paid["webhook_status"]),
        (StatusCode::OK, &json!(200)),
        "{paid}"
    );
    let payment_id = paid["razorpay_payment_id"].as_str().unwrap();
    assert!(is_id(&paid["razorpay_payment_id"], "pay_", 14));
    let signed = [order_id.as_bytes(), b"|", payment_id.as_bytes()];
    let key_secret = gw.secrets.razorpay_key_secret.as_bytes();
    assert!(matches_hex(
        key_secret,
        &signed,
        paid["razorpay_signature"].as_str().unwrap()
    ));

    let (_, payment) = gw
        .call(gw.razorpay_as_us("GET", &format!("/v1/payments/{payment_id}"), Value::Null))
        .await;
    assert_eq!(
        (&payment["status"], &payment["captured"], &payment["amount"]),
        (&json!("captured"), &json!(true), &json!(5000))
    );
    let (_, order) = gw
        .call(gw.razorpay_as_us("GET", &format!("/v1/orders/{order_id}"), Value::Null))
        .await;
    assert_eq!(
        (&order["status"], &order["amount_paid"]),
        (&json!("paid"), &json!(5000))
    );

    let [webhook] = gw.received().try_into().unwrap();
    assert_eq!(webhook.path, crate::gateways::razorpay::WEBHOOK_PATH);
    let secret = gw.secrets.razorpay_webhook_secret.as_str().into();
    let header = "x-razorpay-signature";
    let verifier = WebhookVerifier::new(secret, Scheme::BodyHex { header });
    let verified = verifier.verify(&webhook.headers, &webhook.body, Clock::system().now());
    assert_eq!(verified, Ok(()));
    let event: Value = serde_json::from_slice(&webhook.body).unwrap();
    assert_eq!(event["event"], "payment.captured");
    assert_eq!(event["payload"]["payment"]["entity"], payment);

    let (status, _) = gw
        .call(gw.razorpay_as_us("POST", &format!("/_pay/{order_id}"), Value::Null))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an order is paid once");
    let (_, resent) = gw
        .call(gw.razorpay_as_us(
            "POST",
            &format!("/_webhooks/resend/{payment_id}"),
            Value::Null,
        ))
        .await;
    assert_eq!(resent["webhook_status"], 200);
    let [first, again] = gw.received().try_into().unwrap();
    assert_eq!(
        (first.body, &first.headers["x-razorpay-event-id"]),
        (again.body, &again.headers["x-razorpay-event-id"])
    );
}

#[tokio::test]
async fn a_razorpay_payment_can_stay_uncaptured_or_carry_another_amount() {
    let gw = gateways().await;
    let order = json!({"amount": 5000, "currency": "INR"});
    let (_, order) = gw
        .call(gw.razorpay_as_us("POST", "/v1/orders", order))
        .await;
    let pay_path = format!("/_pay/{}", order["id"].as_str().unwrap());

    let (_, paid) = gw
        .call(gw.razorpay_as_us("POST", &pay_path, json!({"capture": false})))
        .await;
    let path = format!(
        "/v1/payments/{}",
        paid["razorpay_payment_id"].as_str().unwrap()
    );
    let (_, payment) = gw.call(gw.razorpay_as_us("GET", &path, Value::Null)).await;
    assert_eq!(
        (&payment["status"], &payment["captured"]),
        (&json!("authorized"), &json!(false))
    );
    assert!(paid.get("webhook_status").is_none() && gw.received().is_empty());

    let (_, paid) = gw
        .call(gw.razorpay_as_us("POST", &pay_path, json!({"amount": 100})))
        .await;
    let path = format!(
        "/v1/payments/{}",
        paid["razorpay_payment_id"].as_str().unwrap()
    );
    let (_, payment) = gw.call(gw.razorpay_as_us("GET", &path, Value::Null)).await;
    assert_eq!(
        (&payment["status"], &payment["amount"]),
        (&json!("captured"), &json!(100))
    );
}
