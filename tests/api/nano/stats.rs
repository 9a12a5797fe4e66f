//! Figures: the caller's own, the best-earning workers, and the admin's totals.

use serde_json::{Value, json};

use super::{LARGE, a_task, decide, give_coins, submit};
use crate::support::spawn_app;

#[tokio::test]
async fn buyers_workers_and_admins_see_their_figures_and_the_best_earners() {
    let app = spawn_app().await;
    let buyer = &app.quick_users("buyer", 1).await[0];
    let workers = app.quick_users("worker", 3).await;
    let admin = &app.quick_users("admin", 1).await[0];
    give_coins(&app, &buyer.user_id, LARGE).await;
    let small = a_task(&app, buyer, 3, 10).await;
    let big = a_task(&app, buyer, 2, 100).await;
    for worker in &workers {
        assert_eq!(submit(&app, worker, &small).await.status(), 201);
    }
    assert_eq!(submit(&app, &workers[1], &big).await.status(), 201);
    assert_eq!(
        decide(&app, buyer, &small, &workers[0].user_id, "approve")
            .await
            .status(),
        200
    );
    assert_eq!(
        decide(&app, buyer, &big, &workers[1].user_id, "approve")
            .await
            .status(),
        200
    );
    assert_eq!(
        decide(&app, buyer, &small, &workers[2].user_id, "reject")
            .await
            .status(),
        200
    );

    let as_buyer: Value = app
        .get_as("/nano/stats", &buyer.access)
        .await
        .json()
        .await
        .unwrap();
    let as_worker: Value = app
        .get_as("/nano/stats", &workers[1].access)
        .await
        .json()
        .await
        .unwrap();
    let top: Value = app
        .get_as("/nano/top-workers", &workers[2].access)
        .await
        .json()
        .await
        .unwrap();
    let totals: Value = app
        .get_as("/nano/admin/stats", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    let as_buyer_admin = app.get_as("/nano/admin/stats", &buyer.access).await;

    assert_eq!(
        as_buyer,
        json!({"balance": 770, "buyer": {"tasks": 2, "open_tasks": 2, "pending_submissions": 1,
            "in_escrow": 120, "coins_spent": 110}})
    );
    assert_eq!(
        as_worker,
        json!({"balance": 100, "worker": {"pending": 1, "approved": 1, "rejected": 0,
            "earned": 100, "held": 0, "paid_out": 0}})
    );
    let board: Vec<(&str, u64)> = top
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["user_id"].as_str().unwrap(),
                w["earned"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        board,
        [
            (workers[1].user_id.as_str(), 100),
            (workers[0].user_id.as_str(), 10)
        ]
    );
    assert!(top[0].get("email").is_none());
    assert_eq!(
        totals,
        json!({"buyers": 1, "workers": 3, "admins": 1, "coins_bought": 1000,
            "coins_in_balances": 880, "coins_in_escrow": 120, "coins_held": 0,
            "coins_paid_out": 0, "pending_withdrawals": 0})
    );
    assert_eq!(as_buyer_admin.status(), 403);
}
