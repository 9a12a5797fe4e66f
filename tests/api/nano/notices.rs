//! Decisions notify in the app and by mail, once: a submission's worker, a filled task's
//! buyer, a withdrawal's worker.

use futures_util::future::join_all;
use serde_json::{Value, json};

use super::{SMALL, a_task, decide, give_coins, submit, worker_with};
use crate::support::{TestApp, TestUser, spawn_app};

async fn kinds(app: &TestApp, user: &TestUser) -> Vec<String> {
    let page: Value = app
        .get_as("/nano/notifications", &user.access)
        .await
        .json()
        .await
        .unwrap();
    let mut kinds: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    kinds
}

#[tokio::test]
async fn an_approval_that_fills_a_task_tells_the_worker_and_the_buyer_once() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let workers = app.quick_users("worker", 2).await;
    give_coins(&app, &buyer.user_id, SMALL).await;
    let task = a_task(&app, buyer, 2, 10).await;
    for worker in &workers {
        assert_eq!(submit(&app, worker, &task).await.status(), 201);
    }

    let first = decide(&app, buyer, &task, &workers[0].user_id, "approve").await;
    let last =
        join_all((0..5).map(|_| decide(&app, buyer, &task, &workers[1].user_id, "approve"))).await;

    assert_eq!(first.status(), 200);
    assert_eq!(last.iter().filter(|r| r.status() == 200).count(), 1);
    assert_eq!(kinds(&app, &workers[1]).await, ["submission-approved"]);
    assert_eq!(kinds(&app, buyer).await, ["task-filled"]);
    let buyer_mail = app.wait_for_mail(&buyer.email, 1).await;
    let worker_mail = app.wait_for_mail(&workers[1].email, 1).await;
    assert_eq!(buyer_mail.len(), 1);
    assert!(
        buyer_mail[0].body.contains("is filled"),
        "{}",
        buyer_mail[0].body
    );
    assert_eq!(worker_mail.len(), 1);
    assert!(worker_mail[0].body.contains("approved"));
}

#[tokio::test]
async fn a_decided_withdrawal_tells_its_worker() {
    let app = spawn_app().await;
    let worker = &worker_with(&app, 400).await;
    let admin = &app.quick_users("admin", 1).await[0];
    let request = json!({"coins": 200, "payment_system": "bkash", "account": "01700000000"});
    let mut ids = Vec::new();
    for _ in 0..2 {
        let made: Value = app
            .post_as("/nano/withdrawals", &worker.access, request.clone())
            .await
            .json()
            .await
            .unwrap();
        ids.push(made["withdrawal_id"].as_str().unwrap().to_owned());
    }

    for (id, verb) in ids.iter().zip(["approve", "reject"]) {
        let path = format!("/nano/admin/withdrawals/{id}/{verb}");
        assert_eq!(
            app.post_as(&path, &admin.access, json!({})).await.status(),
            200
        );
    }

    assert_eq!(
        kinds(&app, worker).await,
        [
            "submission-approved",
            "withdrawal-paid",
            "withdrawal-rejected"
        ]
    );
    assert_eq!(app.wait_for_mail(&worker.email, 3).await.len(), 3);
}
