//! Buying tokens: an order at the Razorpay stand-in, the checkout's result verified (signature,
//! then the payment fetched from the gateway), tokens issued once, however often and by
//! whichever path (verify, webhook) the payment is reported.

use bazaar_shared::webhook::sign_hex;
use futures_util::future::join_all;
use serde_json::{Value, json};

use super::{PRICE, a_mess, a_student, balance, checkout, order, pay, tokens, verify};
use crate::support::problem_type;
use crate::support::{TestApp, spawn_app};

async fn resend_webhook(app: &TestApp, payment_id: &str) -> Value {
    let path = format!("/_local/razorpay/_webhooks/resend/{payment_id}");
    let sent = app.http.post(app.url(&path)).send().await.unwrap();
    assert_eq!(sent.status(), 200);
    sent.json().await.unwrap()
}

#[tokio::test]
async fn a_paid_order_issues_exactly_its_tokens_priced_by_the_mess_and_a_receipt() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;

    let order = order(&app, &student, 3).await;
    let paid = pay(&app, &order, json!({})).await;
    let verified = verify(&app, &student, &order, checkout(&paid)).await;

    assert_eq!(order["amount_minor"], 3 * PRICE);
    assert_eq!(order["status"], "created");
    assert_eq!(verified.status(), 200);
    let verified: Value = verified.json().await.unwrap();
    assert_eq!(verified["status"], "paid");
    assert_eq!(balance(&app, &student).await, 3);
    let payments: Value = app
        .get_as("/mess/payments", &student.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        payments["items"][0]["payment_id"],
        paid["razorpay_payment_id"]
    );
    let mail = app.wait_for_mail(&student.email, 1).await;
    assert!(mail[0].subject.contains("Receipt"), "{:?}", mail[0].subject);
}

#[tokio::test]
async fn twenty_verifies_at_once_and_the_webhook_twice_issue_the_tokens_once() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;
    let order = order(&app, &student, 4).await;
    let paid = pay(&app, &order, json!({"webhook": true})).await;
    let payment_id = paid["razorpay_payment_id"].as_str().unwrap();

    let body = checkout(&paid);
    let verifies = join_all((0..20).map(|_| verify(&app, &student, &order, body.clone()))).await;
    let resent = resend_webhook(&app, payment_id).await;

    assert_eq!(paid["webhook_status"], 200, "{paid}");
    assert_eq!(resent["webhook_status"], 200, "{resent}");
    for answer in verifies {
        let status = answer.status().as_u16();
        assert!(status == 200 || status == 409, "{status}");
    }
    assert_eq!(tokens(&app, &student).await.len(), 4);
    assert_eq!(balance(&app, &student).await, 4);
    let payments: Value = app
        .get_as("/mess/payments", &student.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(payments["items"].as_array().unwrap().len(), 1);
    let dashboard: Value = app
        .get_as(
            &format!("/mess/messes/{}/dashboard", mess.id),
            &mess.owner.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dashboard["today"]["sold"], 4);
    assert_eq!(dashboard["today"]["revenue_minor"], 4 * PRICE);
}

#[tokio::test]
async fn the_webhook_alone_issues_the_tokens_of_a_student_who_left_the_checkout() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;
    let order = order(&app, &student, 2).await;

    let paid = pay(&app, &order, json!({"webhook": true})).await;

    assert_eq!(paid["webhook_status"], 200, "{paid}");
    assert_eq!(balance(&app, &student).await, 2);
    let path = format!("/mess/orders/{}", order["id"].as_str().unwrap());
    let order: Value = app
        .get_as(&path, &student.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order["status"], "paid");
}

#[tokio::test]
async fn a_webhook_with_a_wrong_signature_is_refused_and_issues_nothing() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;
    let order = order(&app, &student, 2).await;
    let paid = pay(&app, &order, json!({})).await;
    let event = json!({"entity": "event", "event": "payment.captured", "contains": ["payment"],
        "payload": {"payment": {"entity": {"id": paid["razorpay_payment_id"], "entity": "payment",
            "amount": 2 * PRICE, "currency": "INR", "status": "captured", "captured": true,
            "order_id": order["razorpay_order_id"]}}}});
    let body = serde_json::to_vec(&event).unwrap();

    let forged = app
        .http
        .post(app.url("/mess/webhooks/razorpay"))
        .header(
            "x-razorpay-signature",
            sign_hex(b"not the secret", &[&body]),
        )
        .header("x-razorpay-event-id", "evt_forged")
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(forged.status(), 400);
    assert_eq!(balance(&app, &student).await, 0);
}

#[tokio::test]
async fn a_wrong_signature_or_one_for_another_order_issues_nothing() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;
    let (first, second) = (
        order(&app, &student, 1).await,
        order(&app, &student, 1).await,
    );
    let paid_first = pay(&app, &first, json!({})).await;
    let paid_second = pay(&app, &second, json!({})).await;

    let mut wrong = checkout(&paid_first);
    wrong["razorpay_signature"] = json!("0".repeat(64));
    let wrong = verify(&app, &student, &first, wrong).await;
    let mut foreign = checkout(&paid_first);
    foreign["razorpay_signature"] = paid_second["razorpay_signature"].clone();
    let foreign = verify(&app, &student, &first, foreign).await;
    let other_order = verify(&app, &student, &first, checkout(&paid_second)).await;

    assert_eq!(wrong.status(), 400);
    assert_eq!(foreign.status(), 400);
    assert_eq!(other_order.status(), 400);
    assert_eq!(tokens(&app, &student).await.len(), 0);
}

#[tokio::test]
async fn a_payment_of_another_amount_or_not_captured_issues_nothing() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;
    let (first, second) = (
        order(&app, &student, 2).await,
        order(&app, &student, 2).await,
    );

    let cheaper = pay(&app, &first, json!({"amount": PRICE})).await;
    let cheaper = verify(&app, &student, &first, checkout(&cheaper)).await;
    let uncaptured = pay(&app, &second, json!({"capture": false})).await;
    let uncaptured = verify(&app, &student, &second, checkout(&uncaptured)).await;

    assert_eq!(cheaper.status(), 422);
    assert_eq!(
        problem_type(cheaper).await,
        "urn:bazaar:problem:payment-mismatch"
    );
    assert_eq!(uncaptured.status(), 422);
    assert_eq!(
        problem_type(uncaptured).await,
        "urn:bazaar:problem:payment-not-captured"
    );
    assert_eq!(tokens(&app, &student).await.len(), 0);
}

#[tokio::test]
async fn the_largest_order_is_issued_in_one_transaction() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;
    let order = order(&app, &student, 96).await;
    let paid = pay(&app, &order, json!({})).await;

    let verified = verify(&app, &student, &order, checkout(&paid)).await;

    assert_eq!(verified.status(), 200, "{}", verified.text().await.unwrap());
    assert_eq!(balance(&app, &student).await, 96);
    let too_many = app
        .post_as("/mess/orders", &student.access, json!({"tokens": 97}))
        .await;
    assert_eq!(too_many.status(), 422);
}
