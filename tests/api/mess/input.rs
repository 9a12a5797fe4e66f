//! Bad input is a 4xx problem+json and writes nothing.

use serde_json::{Value, json};

use super::{PIN, a_mess, a_student, student_with_tokens, tokens};
use crate::support::spawn_app;

#[tokio::test]
async fn bad_orders_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;
    let huge = "x".repeat(100_000);

    let bodies = [
        json!({"tokens": 0}),
        json!({"tokens": 1_000_000_000u64}),
        json!({"tokens": "3"}),
        json!({"tokens": 2, "amount": 1}),
        json!({"tokens": huge}),
        json!({}),
    ];
    for body in bodies {
        let answer = app
            .post_as("/mess/orders", &student.access, body.clone())
            .await;
        assert!(
            answer.status().is_client_error(),
            "{body}: {}",
            answer.status()
        );
        let content_type = answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(content_type, "application/problem+json", "{body}");
    }

    let orders: Value = app
        .get_as("/mess/orders", &student.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(orders["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn bad_redemptions_pins_and_verifications_are_refused_and_redeem_nothing() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = student_with_tokens(&app, &mess, 1).await;
    let me = &student.access;
    let huge = "x".repeat(100_000);

    let redemptions = [
        json!({"count": 0, "pin": PIN}),
        json!({"count": 1_000_000_000u64, "pin": PIN}),
        json!({"count": 1}),
        json!({"count": 1, "pin": huge}),
        json!({"token_ids": ["../../etc"], "pin": PIN}),
        json!({"token_ids": "all", "pin": PIN}),
        json!({"count": 1, "token_ids": [], "pin": PIN}),
    ];
    for body in redemptions {
        let answer = app.post_as("/mess/redemptions", me, body.clone()).await;
        assert!(
            answer.status().is_client_error(),
            "{body}: {}",
            answer.status()
        );
    }
    let pins = [
        json!({"pin": "12345"}),
        json!({"pin": 123456}),
        json!({"pin": "abcdef"}),
    ];
    for body in pins {
        assert_eq!(
            app.put_json_as("/mess/me/pin", me, body).await.status(),
            422
        );
    }
    let verify = app
        .post_as(
            "/mess/orders/not-an-id/verify",
            me,
            json!({"razorpay_order_id": huge,
            "razorpay_payment_id": "pay_x", "razorpay_signature": "zz"}),
        )
        .await;
    assert_eq!(verify.status(), 413, "a 100 KB body is over the limit");
    let verify = app
        .post_as(
            "/mess/orders/not-an-id/verify",
            me,
            json!({"razorpay_order_id": "x".repeat(5_000),
            "razorpay_payment_id": "pay_x", "razorpay_signature": "zz"}),
        )
        .await;
    assert_eq!(verify.status(), 422);
    let problem: Value = verify.json().await.unwrap();
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");

    assert_eq!(tokens(&app, &student).await[0]["status"], "unredeemed");
}

#[tokio::test]
async fn a_mess_needs_valid_fields_and_only_owners_make_one() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = a_student(&app, &mess).await;
    let owner = app.quick_users("mess_owner", 1).await.remove(0);
    let good =
        json!({"name": "South Mess", "address": "Gate 2", "price_minor": 4000, "currency": "INR"});

    let by_student = app
        .post_as("/mess/messes", &student.access, good.clone())
        .await;
    let free = app
        .post_as(
            "/mess/messes",
            &owner.access,
            json!({"name": "x", "address": "y", "price_minor": 0, "currency": "inr"}),
        )
        .await;
    let first = app
        .post_as("/mess/messes", &owner.access, good.clone())
        .await;
    let second = app.post_as("/mess/messes", &owner.access, good).await;

    assert_eq!(by_student.status(), 403);
    assert_eq!(free.status(), 422);
    let problem: Value = free.json().await.unwrap();
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");
    assert_eq!(first.status(), 201);
    assert_eq!(second.status(), 409);
}
