//! Coins arrive only through a verified Stripe webhook, once per checkout session.

use futures_util::future::join_all;
use serde_json::{Value, json};

use super::{
    SMALL, balance, completed_event, deliver, ledger_sum, new_id, signature, signed_now,
    webhook_secret,
};
use crate::support::problem_type;
use crate::support::spawn_app;

#[tokio::test]
async fn a_signed_completed_checkout_credits_once_however_often_it_arrives() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let session = new_id("cs_");
    let body = completed_event(&new_id("evt_"), &session, &buyer.user_id, SMALL);

    let first = deliver(&app, body.clone(), Some(signed_now(&app, &body))).await;
    let again =
        join_all((0..10).map(|_| deliver(&app, body.clone(), Some(signed_now(&app, &body))))).await;
    let other_event = completed_event(&new_id("evt_"), &session, &buyer.user_id, SMALL);
    let second = deliver(
        &app,
        other_event.clone(),
        Some(signed_now(&app, &other_event)),
    )
    .await;

    assert_eq!(first.status(), 200);
    for response in again {
        assert!([200, 409].contains(&response.status().as_u16()));
    }
    assert_eq!(second.status(), 200);
    assert_eq!(balance(&app, buyer).await, 100);
    assert_eq!(ledger_sum(&app, buyer).await, 100);
}

#[tokio::test]
async fn unsigned_wrongly_signed_reserialised_or_stale_events_credit_nothing() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let body = completed_event(&new_id("evt_"), &new_id("cs_"), &buyer.user_id, SMALL);
    let now = app.stack.clock.now().unix_timestamp();
    let secret = webhook_secret(&app);
    let reserialised =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();

    let deliveries = [
        (body.clone(), None),
        (body.clone(), Some(signature("whsec_not_ours", &body, now))),
        (reserialised, Some(signature(&secret, &body, now))),
        (body.clone(), Some(signature(&secret, &body, now - 301))),
        (body.clone(), Some(format!("t={now}"))),
    ];
    for (sent, header) in deliveries {
        let response = deliver(&app, sent, header).await;
        assert_eq!(response.status(), 400);
        assert_eq!(
            problem_type(response).await,
            "urn:bazaar:problem:bad-request"
        );
    }

    assert_eq!(balance(&app, buyer).await, 0);
}

#[tokio::test]
async fn an_event_for_an_unpaid_or_underpaid_session_credits_nothing() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let mut unpaid: Value = serde_json::from_slice(&completed_event(
        &new_id("evt_"),
        &new_id("cs_"),
        &buyer.user_id,
        SMALL,
    ))
    .unwrap();
    unpaid["data"]["object"]["payment_status"] = json!("unpaid");
    let mut underpaid: Value = serde_json::from_slice(&completed_event(
        &new_id("evt_"),
        &new_id("cs_"),
        &buyer.user_id,
        SMALL,
    ))
    .unwrap();
    underpaid["data"]["object"]["amount_total"] = json!(1);

    for event in [unpaid, underpaid] {
        let body = serde_json::to_vec(&event).unwrap();
        let response = deliver(&app, body.clone(), Some(signed_now(&app, &body))).await;
        assert_eq!(response.status(), 200);
    }

    assert_eq!(balance(&app, buyer).await, 0);
}

#[tokio::test]
async fn a_buyer_buys_coins_end_to_end_through_the_stripe_stand_in() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];

    let opened = app
        .post_as("/nano/checkout", &buyer.access, json!({"package": "small"}))
        .await;
    assert_eq!(opened.status(), 201, "{}", opened.text().await.unwrap());
    let checkout: Value = opened.json().await.unwrap();
    assert_eq!(
        balance(&app, buyer).await,
        0,
        "opening a checkout credits nothing"
    );
    let url = checkout["url"].as_str().unwrap();
    let paid: Value = app
        .http
        .post(format!("{url}/pay"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let event_id = paid["event_id"].as_str().unwrap();
    let stripe = app.url("/_local/stripe");
    let resent: Value = app
        .http
        .post(format!("{stripe}/_events/resend/{event_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paid_again: Value = app
        .http
        .post(format!("{url}/pay"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(paid["webhook_status"], 200, "{paid}");
    assert_eq!(resent["webhook_status"], 200, "{resent}");
    assert_eq!(paid_again["webhook_status"], 200, "{paid_again}");
    assert_eq!(balance(&app, buyer).await, 100);
    assert_eq!(ledger_sum(&app, buyer).await, 100);
}

#[tokio::test]
async fn an_unknown_package_opens_no_checkout() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let worker = &app.quick_users("worker", 1).await[0];

    let unknown = app
        .post_as("/nano/checkout", &buyer.access, json!({"package": "huge"}))
        .await;
    let with_coins = app
        .post_as(
            "/nano/checkout",
            &buyer.access,
            json!({"package": "small", "coins": 5000}),
        )
        .await;
    let as_worker = app
        .post_as(
            "/nano/checkout",
            &worker.access,
            json!({"package": "small"}),
        )
        .await;

    assert_eq!(
        problem_type(unknown).await,
        "urn:bazaar:problem:unknown-package"
    );
    assert_eq!(with_coins.status(), 422);
    assert_eq!(as_worker.status(), 403);
}

#[tokio::test]
async fn a_delayed_payment_credits_once_when_its_async_success_arrives() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let session = new_id("cs_test_");
    let mut unpaid: Value = serde_json::from_slice(&completed_event(
        &new_id("evt_"),
        &session,
        &buyer.user_id,
        SMALL,
    ))
    .unwrap();
    unpaid["data"]["object"]["payment_status"] = "unpaid".into();
    let mut succeeded = unpaid.clone();
    succeeded["id"] = new_id("evt_").into();
    succeeded["type"] = "checkout.session.async_payment_succeeded".into();
    succeeded["data"]["object"]["payment_status"] = "paid".into();

    for event in [&unpaid, &succeeded, &succeeded] {
        let body = serde_json::to_vec(event).unwrap();
        let signature = signed_now(&app, &body);
        assert_eq!(deliver(&app, body, Some(signature)).await.status(), 200);
    }

    assert_eq!(balance(&app, buyer).await, SMALL.1);
}
