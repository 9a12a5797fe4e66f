//! The hourly sweeps: low-stock alerts to every member of staff once per crossing, and one
//! reminder per order left pending for a day.

use std::time::Duration;

use bazaar_shared::Clock;
use reqwest::Method;
use serde_json::{Value, json};

use super::{id_of, line, order_id, product};
use crate::support::{TestApp, spawn_app, spawn_app_with};

/// A product whose stock is `stock` against a threshold of `threshold`.
fn stocked(sku: &str, stock: u64, threshold: u64) -> Value {
    let mut body = product(sku, 1000, stock);
    body["low_stock_threshold"] = json!(threshold);
    body["name"] = json!(format!("Teapot {sku}"));
    body
}

async fn low_stock_run(app: &TestApp) -> (i64, i64) {
    let outputs = app.stack.fire("ShopLowStockFunction").await.unwrap();
    let report = &outputs[0];
    (
        report["alerted"].as_i64().unwrap(),
        report["rearmed"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn firing_the_low_stock_schedule_twice_mails_staff_once_per_product() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let staff = &app.shop_staff(1).await[0];
    let granted = &app.quick_users("member", 1).await[0];
    let grant = format!("/admin/users/{}/roles/shop_staff", granted.user_id);
    let made = app.send_as(Method::PUT, &grant, &admin.access, None).await;
    assert_eq!(made.status(), 200);
    let customer = &app.quick_users("customer", 1).await[0];
    let low = app.create_product(staff, stocked("LOW-1", 2, 5)).await;
    let lower = app.create_product(staff, stocked("LOW-2", 0, 3)).await;
    app.create_product(staff, stocked("FINE-1", 10, 5)).await;
    app.create_product(staff, stocked("EDGE-1", 5, 5)).await;
    let gone = app.create_product(staff, stocked("GONE-1", 1, 5)).await;
    let path = format!("/shop/products/{}", id_of(&gone));
    app.send_as(Method::DELETE, &path, &staff.access, None)
        .await;

    let first = low_stock_run(&app).await;
    let second = low_stock_run(&app).await;

    assert_eq!(first, (2, 0));
    assert_eq!(second, (0, 0));
    let counts = app.settled_mail_counts(&[staff, granted, customer]).await;
    assert_eq!(
        counts,
        [2, 2, 0],
        "each member of staff once per low product"
    );
    for member in [staff, granted] {
        let text: String = app
            .mail_to(&member.email)
            .await
            .iter()
            .map(|m| format!("{} {}\n", m.subject, m.body))
            .collect();
        assert!(
            text.contains("LOW-1") || text.contains("Teapot LOW-1"),
            "{text}"
        );
        assert!(
            text.contains("LOW-2") || text.contains("Teapot LOW-2"),
            "{text}"
        );
        assert!(
            !text.contains("FINE-1") && !text.contains("GONE-1"),
            "{text}"
        );
    }
    assert_eq!(
        app.product(id_of(&low)).await["stock"],
        2,
        "a sweep never touches stock"
    );
    assert_eq!(app.product(id_of(&lower)).await["stock"], 0);
}

#[tokio::test]
async fn a_restock_rearms_the_alert_and_the_next_low_mails_again() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customers = app.quick_users("customer", 2).await;
    let pot = app.create_product(staff, stocked("POT-1", 6, 5)).await;
    let order = app.placed(&customers[0], vec![line(&pot, 4)]).await;
    assert_eq!(low_stock_run(&app).await, (1, 0));
    assert_eq!(low_stock_run(&app).await, (0, 0));

    // Stock back above the threshold by a cancel: the sweep re-arms the alert.
    let cancelled = app.cancel_order(&customers[0], order_id(&order)).await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(low_stock_run(&app).await, (0, 1));
    app.placed(&customers[1], vec![line(&pot, 4)]).await;
    assert_eq!(low_stock_run(&app).await, (1, 0));
    // Restocked by staff: the write itself re-arms it.
    for stock in [50, 1] {
        let patched = app
            .patch_product(&staff.access, id_of(&pot), json!({"stock": stock}))
            .await;
        assert_eq!(patched.status(), 200);
    }
    let last = low_stock_run(&app).await;

    assert_eq!(last, (1, 0));
    assert_eq!(app.settled_mail_counts(&[staff]).await, [3]);
    assert_eq!(app.product(id_of(&pot)).await["stock"], 1);
}

#[tokio::test]
async fn the_pending_order_reminder_fired_twice_mails_each_customer_once_per_stale_order() {
    let clock = Clock::manual(time::OffsetDateTime::now_utc());
    let app = spawn_app_with(|config| config.clock = clock.clone()).await;
    let staff = &app.shop_staff(1).await[0];
    let customers = app.quick_users("customer", 4).await;
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| &customers[i]);
    let pot = app.create_product(staff, stocked("POT-2", 100, 0)).await;
    let stale = [
        app.placed(a, vec![line(&pot, 1)]).await,
        app.placed(a, vec![line(&pot, 2)]).await,
    ];
    let confirmed = app.placed(b, vec![line(&pot, 1)]).await;
    app.walk_order(staff, order_id(&confirmed), &["confirmed"])
        .await;
    let cancelled = app.placed(c, vec![line(&pot, 1)]).await;
    assert_eq!(
        app.cancel_order(c, order_id(&cancelled)).await.status(),
        200
    );
    clock.advance(Duration::from_secs(25 * 3600));
    app.placed(d, vec![line(&pot, 1)]).await;
    app.wait_for_mail(&a.email, 2).await;
    let before = app.settled_mail_counts(&[a, b, c, d]).await;

    let first = app.stack.fire("ShopRemindersFunction").await.unwrap();
    let second = app.stack.fire("ShopRemindersFunction").await.unwrap();

    app.wait_for_mail(&a.email, before[0] + 2).await;
    let after = app.settled_mail_counts(&[a, b, c, d]).await;
    let new: Vec<usize> = after.iter().zip(&before).map(|(n, m)| n - m).collect();
    assert_eq!(
        new,
        [2, 0, 0, 0],
        "before {before:?}, runs {first:?} then {second:?}"
    );
    // Each stale order is named by two mails: its confirmation and its one reminder.
    let mail = app.mail_to(&a.email).await;
    for order in &stale {
        let naming = mail
            .iter()
            .filter(|m| format!("{} {}", m.subject, m.body).contains(order_id(order)))
            .count();
        assert_eq!(naming, 2, "order {}", order_id(order));
    }
}
