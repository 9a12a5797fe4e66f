//! Withdrawals: held at request (never more than the balance), decided once by an admin.

use futures_util::future::join_all;
use serde_json::{Value, json};

use bazaar_shared::auth::Role;

use super::{SMALL, balance, give_coins, ledger_sum, wallet, worker_with};
use crate::support::problem_type;
use crate::support::spawn_app;

fn request() -> Value {
    json!({"coins": 200, "payment_system": "bkash", "account": "01700000000"})
}

#[tokio::test]
async fn five_concurrent_withdrawals_of_200_from_250_coins_hold_exactly_one() {
    let app = spawn_app().await;
    let worker = &worker_with(&app, 250).await;

    let responses =
        join_all((0..5).map(|_| app.post_as("/nano/withdrawals", &worker.access, request()))).await;

    let held: Vec<_> = responses.iter().filter(|r| r.status() == 201).collect();
    assert_eq!(held.len(), 1);
    assert_eq!(responses.iter().filter(|r| r.status() == 402).count(), 4);
    let wallet = wallet(&app, worker).await;
    assert_eq!(
        (wallet["balance"].as_u64(), wallet["held"].as_u64()),
        (Some(50), Some(200))
    );
    assert_eq!(ledger_sum(&app, worker).await, 50);
}

#[tokio::test]
async fn a_rejected_withdrawal_returns_its_coins_once_and_a_paid_one_pays_out_once() {
    let app = spawn_app().await;
    let worker = &worker_with(&app, 450).await;
    let admin = &app.quick_users("admin", 1).await[0];
    let first: Value = app
        .post_as("/nano/withdrawals", &worker.access, request())
        .await
        .json()
        .await
        .unwrap();
    let second: Value = app
        .post_as("/nano/withdrawals", &worker.access, request())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["amount_cents"], 1000);
    let pending: Value = app
        .get_as("/nano/admin/withdrawals", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pending["items"].as_array().unwrap().len(), 2);

    let reject = format!(
        "/nano/admin/withdrawals/{}/reject",
        first["withdrawal_id"].as_str().unwrap()
    );
    let pay = format!(
        "/nano/admin/withdrawals/{}/approve",
        second["withdrawal_id"].as_str().unwrap()
    );
    let rejects = join_all((0..5).map(|_| app.post_as(&reject, &admin.access, json!({})))).await;
    let pays = join_all((0..5).map(|_| app.post_as(&pay, &admin.access, json!({})))).await;
    let too_late = app.post_as(&reject, &admin.access, json!({})).await;
    let by_worker = app.post_as(&pay, &worker.access, json!({})).await;

    assert_eq!(rejects.iter().filter(|r| r.status() == 200).count(), 1);
    assert_eq!(pays.iter().filter(|r| r.status() == 200).count(), 1);
    assert_eq!(
        problem_type(too_late).await,
        "urn:bazaar:problem:already-decided"
    );
    assert_eq!(by_worker.status(), 403);
    let wallet = wallet(&app, worker).await;
    assert_eq!(
        (
            wallet["balance"].as_u64(),
            wallet["held"].as_u64(),
            wallet["paid_out"].as_u64()
        ),
        (Some(250), Some(0), Some(200))
    );
    assert_eq!(
        balance(&app, worker).await as i64,
        ledger_sum(&app, worker).await
    );
    let pending: Value = app
        .get_as("/nano/admin/withdrawals", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(pending["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_withdrawal_below_the_minimum_or_with_extra_fields_is_refused() {
    let app = spawn_app().await;
    let worker = &worker_with(&app, 300).await;

    let small = app
        .post_as(
            "/nano/withdrawals",
            &worker.access,
            json!({"coins": 199, "payment_system": "bkash", "account": "0170"}),
        )
        .await;
    let with_status = app
        .post_as(
            "/nano/withdrawals",
            &worker.access,
            json!({"coins": 200, "payment_system": "bkash", "account": "0170", "status": "paid"}),
        )
        .await;

    assert_eq!(problem_type(small).await, "urn:bazaar:problem:validation");
    assert_eq!(with_status.status(), 422);
    assert_eq!(balance(&app, worker).await, 300);
}

#[tokio::test]
async fn a_retried_withdrawal_with_its_idempotency_key_holds_once() {
    let app = spawn_app().await;
    let worker = &worker_with(&app, 500).await;
    let send = || {
        app.http
            .post(app.url("/nano/withdrawals"))
            .bearer_auth(&worker.access)
            .header("idempotency-key", "withdraw-1")
            .json(&request())
            .send()
    };

    let first = send().await.unwrap();
    let retried = send().await.unwrap();

    assert_eq!(
        (first.status().as_u16(), retried.status().as_u16()),
        (201, 201)
    );
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    assert_eq!(wallet(&app, worker).await["held"], 200);
}

#[tokio::test]
async fn an_admin_who_also_works_cannot_decide_their_own_withdrawal() {
    let app = spawn_app().await;
    let roles = [Role::Admin, Role::Worker];
    let admin_worker = &app.quick_users_with(&roles, 1).await[0];
    let other_admin = &app.quick_users("admin", 1).await[0];
    give_coins(&app, &admin_worker.user_id, SMALL).await;
    give_coins(&app, &admin_worker.user_id, SMALL).await;
    let held: Value = app
        .post_as("/nano/withdrawals", &admin_worker.access, request())
        .await
        .json()
        .await
        .unwrap();
    let approve = format!(
        "/nano/admin/withdrawals/{}/approve",
        held["withdrawal_id"].as_str().unwrap()
    );

    let own = app.post_as(&approve, &admin_worker.access, json!({})).await;
    let other = app.post_as(&approve, &other_admin.access, json!({})).await;

    assert_eq!(own.status(), 403);
    assert_eq!(other.status(), 200);
}
