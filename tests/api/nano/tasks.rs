//! Tasks: the escrow leaves the balance in the same transaction as the task, slots are never
//! over-taken, a submission is paid once, and closing refunds unfilled slots once.

use futures_util::future::join_all;
use serde_json::Value;

use super::{
    LARGE, SMALL, a_task, balance, decide, give_coins, ledger_sum, post_task, submit, wallet,
};
use crate::support::problem_type;
use crate::support::spawn_app;

#[tokio::test]
async fn a_buyer_with_100_coins_posting_ten_30_coin_tasks_at_once_gets_exactly_three() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    give_coins(&app, &buyer.user_id, SMALL).await;

    let responses = join_all((0..10).map(|_| post_task(&app, buyer, 3, 10))).await;

    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [201, 201, 201, 402, 402, 402, 402, 402, 402, 402]);
    let refused = responses.into_iter().find(|r| r.status() == 402).unwrap();
    assert_eq!(
        problem_type(refused).await,
        "urn:bazaar:problem:insufficient-coins"
    );
    assert_eq!(balance(&app, buyer).await, 10);
    assert_eq!(ledger_sum(&app, buyer).await, 10);
    let mine: Value = app
        .get_as("/nano/tasks/mine", &buyer.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn twenty_workers_racing_for_five_slots_take_five_and_an_approval_pays_once() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let workers = app.quick_users("worker", 20).await;
    give_coins(&app, &buyer.user_id, SMALL).await;
    let task = a_task(&app, buyer, 5, 20).await;

    let submitted = join_all(workers.iter().map(|w| submit(&app, w, &task))).await;
    let taken: Vec<usize> = (0..20).filter(|&i| submitted[i].status() == 201).collect();
    let first = &workers[taken[0]];
    let approvals =
        join_all((0..20).map(|_| decide(&app, buyer, &task, &first.user_id, "approve"))).await;

    // At most the slots: losers are told `task-full` (or `contention`, both 409).
    assert!((1..=5).contains(&taken.len()));
    assert!(
        submitted
            .iter()
            .all(|r| [201, 409].contains(&r.status().as_u16()))
    );
    assert_eq!(approvals.iter().filter(|r| r.status() == 200).count(), 1);
    assert!(
        approvals
            .iter()
            .all(|r| [200, 409].contains(&r.status().as_u16()))
    );
    assert_eq!(balance(&app, first).await, 20);
    assert_eq!(wallet(&app, first).await["earned"], 20);
    let task: Value = app
        .get_as(&format!("/nano/tasks/{task}"), &buyer.access)
        .await
        .json()
        .await
        .unwrap();
    let n = taken.len() as u64;
    assert_eq!(
        (
            task["filled"].as_u64(),
            task["pending"].as_u64(),
            task["slots_left"].as_u64()
        ),
        (Some(1), Some(n - 1), Some(5 - n))
    );
    assert_eq!(task["escrow"], 80);
}

#[tokio::test]
async fn a_rejected_submission_reopens_its_slot_and_a_worker_submits_once() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let workers = app.quick_users("worker", 2).await;
    give_coins(&app, &buyer.user_id, SMALL).await;
    let task = a_task(&app, buyer, 1, 10).await;

    assert_eq!(submit(&app, &workers[0], &task).await.status(), 201);
    let twice = submit(&app, &workers[0], &task).await;
    let full = submit(&app, &workers[1], &task).await;
    let rejected = decide(&app, buyer, &task, &workers[0].user_id, "reject").await;
    let reopened = submit(&app, &workers[1], &task).await;

    assert_eq!(
        problem_type(twice).await,
        "urn:bazaar:problem:already-submitted"
    );
    assert_eq!(problem_type(full).await, "urn:bazaar:problem:task-full");
    assert_eq!(rejected.status(), 200);
    assert_eq!(reopened.status(), 201);
    let pending: Value = app
        .get_as(
            &format!("/nano/tasks/{task}/submissions?status=pending"),
            &buyer.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pending["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        pending["items"][0]["worker_id"],
        workers[1].user_id.as_str()
    );
}

#[tokio::test]
async fn closing_a_task_refunds_its_unfilled_slots_once_and_a_pending_one_when_rejected() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let worker = &app.quick_users("worker", 1).await[0];
    give_coins(&app, &buyer.user_id, SMALL).await;
    let task = a_task(&app, buyer, 4, 10).await;
    assert_eq!(submit(&app, worker, &task).await.status(), 201);

    let path = format!("/nano/tasks/{task}");
    let closes = join_all((0..5).map(|_| app.delete_as(&path, &buyer.access))).await;
    let after_close = balance(&app, buyer).await;
    let late = submit(&app, &app.quick_users("worker", 1).await[0], &task).await;
    let rejected = decide(&app, buyer, &task, &worker.user_id, "reject").await;

    assert_eq!(closes.iter().filter(|r| r.status() == 200).count(), 1);
    assert_eq!(after_close, 60 + 30);
    assert_eq!(late.status(), 422);
    assert_eq!(rejected.status(), 200);
    assert_eq!(balance(&app, buyer).await, 100);
    assert_eq!(ledger_sum(&app, buyer).await, 100);
    let closed: Value = app.get_as(&path, &buyer.access).await.json().await.unwrap();
    assert_eq!(
        (closed["status"].as_str(), closed["escrow"].as_u64()),
        (Some("closed"), Some(0))
    );
}

#[tokio::test]
async fn an_admin_removes_a_task_and_its_buyer_gets_the_escrow_back() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let admin = &app.quick_users("admin", 1).await[0];
    give_coins(&app, &buyer.user_id, LARGE).await;
    let task = a_task(&app, buyer, 10, 50).await;

    let removed = app
        .delete_as(&format!("/nano/admin/tasks/{task}"), &admin.access)
        .await;
    let by_buyer = app
        .delete_as(&format!("/nano/admin/tasks/{task}"), &buyer.access)
        .await;

    assert_eq!(removed.status(), 200);
    assert_eq!(by_buyer.status(), 403);
    assert_eq!(balance(&app, buyer).await, 1000);
}

#[tokio::test]
async fn a_retried_post_with_its_idempotency_key_escrows_once() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    give_coins(&app, &buyer.user_id, SMALL).await;
    // One body (one due date), sent again as a client's retry would.
    let body = super::task_body(&app, 2, 30);
    let post = |key: &'static str| {
        app.http
            .post(app.url("/nano/tasks"))
            .bearer_auth(&buyer.access)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };

    let first = post("task-1").await.unwrap();
    let retried = post("task-1").await.unwrap();
    let short = post("task-2").await.unwrap();
    let short_again = post("task-2").await.unwrap();

    assert_eq!(
        (first.status().as_u16(), retried.status().as_u16()),
        (201, 201)
    );
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    let (a, b): (Value, Value) = (first.json().await.unwrap(), retried.json().await.unwrap());
    assert_eq!(a["task_id"], b["task_id"]);
    assert_eq!(
        (short.status().as_u16(), short_again.status().as_u16()),
        (402, 402)
    );
    assert_eq!(
        short_again.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        problem_type(short_again).await,
        "urn:bazaar:problem:insufficient-coins"
    );
    assert_eq!(balance(&app, buyer).await, 40);
}
