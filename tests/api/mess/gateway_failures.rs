//! Razorpay failing: a payment it does not know is a 502, an unreachable Razorpay a 503;
//! nothing is issued or stored either way.

use bazaar_shared::webhook::sign_hex;
use serde_json::{Value, json};

use super::{a_mess, a_student, order, tokens, verify};
use crate::support::problem_type;
use crate::support::{TestApp, spawn_app, spawn_app_with};

fn key_secret(app: &TestApp) -> String {
    app.payment_secret("razorpay_key_secret")
}

#[tokio::test]
async fn a_payment_the_gateway_does_not_know_is_a_bad_gateway_and_issues_nothing() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;
    let order = order(&app, &student, 1).await;
    let gateway_order = order["razorpay_order_id"].as_str().unwrap();
    let signature = sign_hex(
        key_secret(&app).as_bytes(),
        &[gateway_order.as_bytes(), b"|", b"pay_unknown1"],
    );

    let answer = verify(
        &app,
        &student,
        &order,
        json!({"razorpay_order_id": gateway_order,
        "razorpay_payment_id": "pay_unknown1", "razorpay_signature": signature}),
    )
    .await;

    assert_eq!(answer.status(), 502);
    assert_eq!(
        problem_type(answer).await,
        "urn:bazaar:problem:gateway-error"
    );
    assert_eq!(tokens(&app, &student).await.len(), 0);
}

#[tokio::test]
async fn an_unreachable_gateway_is_unavailable_and_no_order_is_stored() {
    let app = spawn_app_with(|c| {
        c.parameters
            .insert("RazorpayBaseUrl".into(), "http://127.0.0.1:9".into());
    })
    .await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;

    let answer = app
        .post_as("/mess/orders", &student.access, json!({"tokens": 1}))
        .await;

    assert_eq!(answer.status(), 503);
    assert_eq!(
        problem_type(answer).await,
        "urn:bazaar:problem:gateway-unavailable"
    );
    let orders: Value = app
        .get_as("/mess/orders", &student.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(orders["items"].as_array().unwrap().len(), 0);
}
