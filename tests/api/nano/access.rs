//! Who may do what: another buyer's submissions do not exist for you, nobody decides their
//! own work, and clients never write coins, balances or statuses.

use serde_json::{Value, json};

use super::{SMALL, a_task, balance, buyer_and_worker, decide, give_coins, submit, task_body};
use crate::support::problem_type;
use crate::support::spawn_app;

#[tokio::test]
async fn another_buyer_cannot_see_or_decide_a_buyers_submissions() {
    let app = spawn_app().await;
    let buyers = app.quick_users("buyer", 2).await;
    let (owner, other) = (&buyers[0], &buyers[1]);
    let worker = &app.quick_users("worker", 1).await[0];
    give_coins(&app, &owner.user_id, SMALL).await;
    let task = a_task(&app, owner, 2, 10).await;
    assert_eq!(submit(&app, worker, &task).await.status(), 201);

    let listed = app
        .get_as(&format!("/nano/tasks/{task}/submissions"), &other.access)
        .await;
    let approved = decide(&app, other, &task, &worker.user_id, "approve").await;
    let edited = app
        .http
        .patch(app.url(&format!("/nano/tasks/{task}")))
        .bearer_auth(&other.access)
        .json(&json!({"title": "Mine now"}))
        .send()
        .await
        .unwrap();
    let as_worker = decide(&app, worker, &task, &worker.user_id, "approve").await;

    assert_eq!(listed.status(), 404);
    assert_eq!(approved.status(), 404);
    assert_eq!(edited.status(), 404);
    assert_eq!(as_worker.status(), 403);
    assert_eq!(balance(&app, worker).await, 0);
}

#[tokio::test]
async fn a_buyer_who_is_also_a_worker_cannot_take_their_own_task() {
    let app = spawn_app().await;
    let both = &buyer_and_worker(&app).await;
    give_coins(&app, &both.user_id, SMALL).await;
    let task = a_task(&app, both, 2, 10).await;

    let own = submit(&app, both, &task).await;
    let open: Value = app
        .get_as("/nano/tasks", &both.access)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(problem_type(own).await, "urn:bazaar:problem:own-task");
    assert!(open["items"].as_array().unwrap().is_empty());
    assert_eq!(balance(&app, both).await, 80);
}

#[tokio::test]
async fn coins_balances_and_statuses_in_bodies_are_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    give_coins(&app, &buyer.user_id, SMALL).await;
    let task = a_task(&app, buyer, 1, 10).await;

    let mut hostile = Vec::new();
    for (field, value) in [
        ("balance", json!(1_000_000)),
        ("coins", json!(5)),
        ("status", json!("closed")),
        ("escrow", json!(0)),
    ] {
        let mut body = task_body(&app, 1, 10);
        body[field] = value;
        hostile.push(app.post_as("/nano/tasks", &buyer.access, body).await);
    }
    let mut bad = task_body(&app, 0, 0);
    bad["title"] = json!("");
    let invalid = app.post_as("/nano/tasks", &buyer.access, bad).await;
    let edit = app
        .http
        .patch(app.url(&format!("/nano/tasks/{task}")))
        .bearer_auth(&buyer.access)
        .json(&json!({"status": "closed", "escrow": 0}))
        .send()
        .await
        .unwrap();

    for response in hostile {
        assert_eq!(response.status(), 422);
    }
    let invalid: Value = invalid.json().await.unwrap();
    assert_eq!(invalid["type"], "urn:bazaar:problem:validation");
    assert_eq!(invalid["errors"].as_array().unwrap().len(), 3);
    assert_eq!(edit.status(), 422);
    assert_eq!(balance(&app, buyer).await, 90);
    let mine: Value = app
        .get_as("/nano/tasks/mine", &buyer.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine["items"][0]["status"], "open");
}

#[tokio::test]
async fn the_nano_routes_want_a_token_and_the_right_role() {
    let app = spawn_app().await;
    let worker = &app.quick_users("worker", 1).await[0];
    let buyer = &app.quick_users("buyer", 1).await[0];

    let anonymous = app.get("/nano/wallet").await;
    let worker_posts = app
        .post_as("/nano/tasks", &worker.access, task_body(&app, 1, 1))
        .await;
    let buyer_withdraws = app
        .post_as(
            "/nano/withdrawals",
            &buyer.access,
            json!({"coins": 200, "payment_system": "x1", "account": "abc"}),
        )
        .await;
    let buyer_admin = app.get_as("/nano/admin/withdrawals", &buyer.access).await;

    assert_eq!(anonymous.status(), 401);
    assert_eq!(worker_posts.status(), 403);
    assert_eq!(buyer_withdraws.status(), 403);
    assert_eq!(buyer_admin.status(), 403);
}

#[tokio::test]
async fn malformed_ids_and_bodies_are_4xx_problems() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let long = "x".repeat(200);

    let bad_id = app.get_as("/nano/tasks/a%23b", &buyer.access).await;
    let long_worker = app
        .post_as(
            &format!("/nano/tasks/t1/submissions/{long}/approve"),
            &buyer.access,
            json!({}),
        )
        .await;
    let not_json = app
        .http
        .post(app.url("/nano/tasks"))
        .bearer_auth(&buyer.access)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();

    for response in [bad_id, long_worker, not_json] {
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{status}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(kind, "application/problem+json");
    }
}
