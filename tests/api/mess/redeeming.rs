//! Redeeming at the counter with the PIN: all or nothing, each token once, whatever runs at
//! the same time; wrong PINs are limited; expired tokens are neither counted nor redeemable.

use std::time::Duration;

use bazaar_shared::Clock;
use futures_util::future::join_all;
use serde_json::{Value, json};

use super::{PIN, a_mess, balance, student_with_tokens, tokens};
use crate::support::problem_type;
use crate::support::{spawn_app, spawn_app_with};

#[tokio::test]
async fn ten_redemptions_of_one_token_at_once_redeem_exactly_the_five_held() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = student_with_tokens(&app, &mess, 5).await;

    let answers = join_all((0..10).map(|_| {
        app.post_as(
            "/mess/redemptions",
            &student.access,
            json!({"count": 1, "pin": PIN}),
        )
    }))
    .await;

    let created = answers.iter().filter(|a| a.status() == 201).count();
    assert_eq!(
        created,
        5,
        "{:?}",
        answers.iter().map(|a| a.status()).collect::<Vec<_>>()
    );
    assert_eq!(balance(&app, &student).await, 0);
    let redeemed = tokens(&app, &student).await;
    assert!(redeemed.iter().all(|t| t["status"] == "redeemed"));
}

#[tokio::test]
async fn two_submissions_of_the_same_token_at_once_redeem_it_once() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = student_with_tokens(&app, &mess, 2).await;
    let token = tokens(&app, &student).await[0]["id"].clone();
    let body = json!({"token_ids": [token], "pin": PIN});

    let (first, second) = tokio::join!(
        app.post_as("/mess/redemptions", &student.access, body.clone()),
        app.post_as("/mess/redemptions", &student.access, body.clone())
    );

    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    assert_eq!(balance(&app, &student).await, 1);
}

#[tokio::test]
async fn a_wrong_pin_redeems_nothing_and_repeated_wrong_pins_are_locked_out() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = student_with_tokens(&app, &mess, 1).await;
    let wrong = json!({"count": 1, "pin": "000000"});

    let first = app
        .post_as("/mess/redemptions", &student.access, wrong.clone())
        .await;
    for _ in 0..4 {
        app.post_as("/mess/redemptions", &student.access, wrong.clone())
            .await;
    }
    let locked = app
        .post_as("/mess/redemptions", &student.access, wrong)
        .await;
    let right_but_locked = app
        .post_as(
            "/mess/redemptions",
            &student.access,
            json!({"count": 1, "pin": PIN}),
        )
        .await;

    assert_eq!(first.status(), 422);
    assert_eq!(problem_type(first).await, "urn:bazaar:problem:wrong-pin");
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().contains_key("retry-after"));
    assert_eq!(right_but_locked.status(), 429);
    assert_eq!(balance(&app, &student).await, 1);
}

#[tokio::test]
async fn wrong_pins_sent_at_once_get_no_more_checks_than_the_limit() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = student_with_tokens(&app, &mess, 1).await;

    let answers = join_all((0..12).map(|_| {
        app.post_as(
            "/mess/redemptions",
            &student.access,
            json!({"count": 1, "pin": "111111"}),
        )
    }))
    .await;

    let checked = answers.iter().filter(|a| a.status() == 422).count();
    let locked = answers.iter().filter(|a| a.status() == 429).count();
    assert!(checked <= 5, "{checked} PIN checks");
    assert_eq!(checked + locked, 12);
    assert_eq!(balance(&app, &student).await, 1);
}

#[tokio::test]
async fn an_expired_token_is_not_counted_and_cannot_be_redeemed() {
    let app = spawn_app_with(|c| c.clock = Clock::manual(time::OffsetDateTime::now_utc())).await;
    let mess = a_mess(&app).await;
    let student = student_with_tokens(&app, &mess, 2).await;
    let token = tokens(&app, &student).await[0]["id"].clone();

    app.stack.clock.advance(Duration::from_secs(91 * 24 * 3600));
    let by_id = app
        .post_as(
            "/mess/redemptions",
            &student.access,
            json!({"token_ids": [token], "pin": PIN}),
        )
        .await;
    let by_count = app
        .post_as(
            "/mess/redemptions",
            &student.access,
            json!({"count": 1, "pin": PIN}),
        )
        .await;

    assert_eq!(balance(&app, &student).await, 0);
    assert_eq!(
        problem_type(by_id).await,
        "urn:bazaar:problem:token-expired"
    );
    assert_eq!(
        problem_type(by_count).await,
        "urn:bazaar:problem:not-enough-tokens"
    );
    assert!(
        tokens(&app, &student)
            .await
            .iter()
            .all(|t| t["status"] == "expired")
    );
}

#[tokio::test]
async fn the_owner_sees_the_submission_and_a_notification_they_can_mark_read() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = student_with_tokens(&app, &mess, 3).await;

    let redeemed = app
        .post_as(
            "/mess/redemptions",
            &student.access,
            json!({"count": 2, "pin": PIN}),
        )
        .await;

    assert_eq!(redeemed.status(), 201);
    let owner = &mess.owner.access;
    let base = format!("/mess/messes/{}", mess.id);
    let submissions: Value = app
        .get_as(&format!("{base}/submissions"), owner)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(submissions["items"][0]["count"], 2);
    assert_eq!(
        submissions["items"][0]["student_id"],
        student.user_id.as_str()
    );
    let notes: Value = app
        .get_as(&format!("{base}/notifications"), owner)
        .await
        .json()
        .await
        .unwrap();
    let note = notes["items"][0]["id"].as_str().unwrap();
    assert_eq!(notes["items"][0]["read"], false);
    let read = app
        .post_as(
            &format!("{base}/notifications/{note}/read"),
            owner,
            json!({}),
        )
        .await;
    assert_eq!(read.json::<Value>().await.unwrap()["read"], true);
    let dashboard: Value = app
        .get_as(&format!("{base}/dashboard"), owner)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dashboard["today"]["sold"], 3);
    assert_eq!(dashboard["today"]["redeemed"], 2);
    assert_eq!(dashboard["students"], 1);
    let students: Value = app
        .get_as(&format!("{base}/students"), owner)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(students["items"][0]["user_id"], student.user_id.as_str());
    let mine: Value = app
        .get_as("/mess/submissions", &student.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_redemption_retried_with_its_idempotency_key_spends_once_and_answers_the_same() {
    let app = spawn_app().await;
    let mess = a_mess(&app).await;
    let student = student_with_tokens(&app, &mess, 3).await;
    let redeem = || {
        app.http
            .post(app.url("/mess/redemptions"))
            .bearer_auth(&student.access)
            .header("idempotency-key", "counter-7-lunch-1")
            .json(&json!({"count": 1, "pin": PIN}))
            .send()
    };

    let first = redeem().await.unwrap();
    let retry = redeem().await.unwrap();

    assert_eq!(
        (first.status().as_u16(), retry.status().as_u16()),
        (201, 201)
    );
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let (first, retry): (Value, Value) = (first.json().await.unwrap(), retry.json().await.unwrap());
    assert_eq!(first, retry);
    assert_eq!(balance(&app, &student).await, 2);
}
