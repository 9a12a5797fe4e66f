//! Tenancy: everything is keyed under its mess; a student or owner of mess A gets 404 for
//! every resource of mess B, whatever ids they send.

use serde_json::{Value, json};

use super::{PIN, a_mess, a_student, order, student_with_tokens, tokens};
use crate::support::spawn_app;

#[tokio::test]
async fn an_owner_of_one_mess_finds_nothing_of_another() {
    let app = spawn_app().await;
    let (a, b) = (a_mess(&app).await, a_mess(&app).await);
    let b_student = student_with_tokens(&app, &b, 1).await;
    app.post_as(
        "/mess/redemptions",
        &b_student.access,
        json!({"count": 1, "pin": PIN}),
    )
    .await;
    let base = format!("/mess/messes/{}", b.id);
    let notes: Value = app
        .get_as(&format!("{base}/notifications"), &b.owner.access)
        .await
        .json()
        .await
        .unwrap();
    let note = notes["items"][0]["id"].as_str().unwrap().to_owned();

    let owner = &a.owner.access;
    let mut statuses = Vec::new();
    for path in [
        "",
        "/dashboard",
        "/submissions",
        "/notifications",
        "/students",
    ] {
        statuses.push(app.get_as(&format!("{base}{path}"), owner).await.status());
    }
    let read = format!("{base}/notifications/{note}/read");
    statuses.push(app.post_as(&read, owner, json!({})).await.status());
    let change = app
        .http
        .patch(app.url(&base))
        .bearer_auth(owner)
        .json(&json!({"name": "Taken over"}))
        .send()
        .await
        .unwrap();
    statuses.push(change.status());

    assert!(statuses.iter().all(|s| *s == 404), "{statuses:?}");
}

#[tokio::test]
async fn a_student_of_one_mess_finds_nothing_of_another() {
    let app = spawn_app().await;
    let (a, b) = (a_mess(&app).await, a_mess(&app).await);
    let a_student = a_student(&app, &a).await;
    let b_student = student_with_tokens(&app, &b, 1).await;
    let b_order = order(&app, &b_student, 1).await;
    let b_order_id = b_order["id"].as_str().unwrap();
    let b_token = tokens(&app, &b_student).await[0]["id"].clone();
    let me = &a_student.access;

    let read_order = app.get_as(&format!("/mess/orders/{b_order_id}"), me).await;
    let verify = app
        .post_as(
            &format!("/mess/orders/{b_order_id}/verify"),
            me,
            json!({
            "razorpay_order_id": b_order["razorpay_order_id"],
            "razorpay_payment_id": "pay_abc123",
            "razorpay_signature": "a".repeat(64)}),
        )
        .await;
    let redeem = app
        .post_as(
            "/mess/redemptions",
            me,
            json!({"token_ids": [b_token], "pin": PIN}),
        )
        .await;
    let dashboard = app
        .get_as(&format!("/mess/messes/{}/dashboard", b.id), me)
        .await;
    let join_again = app.post_as("/mess/join", me, json!({"code": b.code})).await;

    assert_eq!(read_order.status(), 404);
    assert_eq!(verify.status(), 404);
    assert_eq!(redeem.status(), 404);
    assert_eq!(
        dashboard.status(),
        403,
        "students never reach owners' routes"
    );
    assert_eq!(join_again.status(), 409);
    assert_eq!(tokens(&app, &b_student).await[0]["status"], "unredeemed");
}
