//! The order lifecycle: pending → confirmed → shipped → delivered, cancels that give stock
//! back exactly once, a mail per move, and orders that are only their customer's business.

use futures_util::future::join_all;
use serde_json::{Value, json};

use super::{id_of, ids, line, order_id, problem, product};
use crate::support::spawn_app;

#[tokio::test]
async fn twenty_concurrent_cancels_of_one_order_restore_the_stock_once() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cup = app.create_product(staff, product("CUP-20", 1500, 10)).await;
    let pot = app.create_product(staff, product("POT-20", 3000, 4)).await;
    let order = app
        .placed(customer, vec![line(&cup, 3), line(&pot, 4)])
        .await;
    let id = order_id(&order);

    let answers = join_all((0..20).map(|_| app.cancel_order(customer, id))).await;

    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(app.product(id_of(&cup)).await["stock"], 10);
    assert_eq!(app.product(id_of(&pot)).await["stock"], 4);
    let mine = app.my_orders(customer).await;
    assert_eq!(mine["items"][0]["status"], "cancelled");
    let again = app.cancel_order(customer, id).await;
    problem(again, 409, "not-cancellable").await;
    assert_eq!(app.product(id_of(&cup)).await["stock"], 10);
}

#[tokio::test]
async fn an_order_walks_to_delivery_mailing_each_step_and_cannot_be_cancelled_once_shipped() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cup = app.create_product(staff, product("CUP-30", 1500, 10)).await;
    let order = app.placed(customer, vec![line(&cup, 2)]).await;
    let id = order_id(&order);

    let skipped = app.move_order(staff, id, "shipped").await;
    problem(skipped, 409, "invalid-transition").await;
    app.walk_order(staff, id, &["confirmed", "shipped"]).await;
    let late = app.cancel_order(customer, id).await;
    app.walk_order(staff, id, &["delivered"]).await;
    let after_delivery = app.move_order(staff, id, "cancelled").await;
    let backwards = app.move_order(staff, id, "pending").await;

    problem(late, 409, "not-cancellable").await;
    problem(after_delivery, 409, "invalid-transition").await;
    assert_eq!(
        backwards.status().as_u16() / 100,
        4,
        "pending is never a move"
    );
    assert_eq!(app.product(id_of(&cup)).await["stock"], 8);
    let seen = app
        .json_as(&format!("/shop/orders/{id}"), &customer.access)
        .await;
    assert_eq!(seen["status"], "delivered");
    let delivered = app.staff_orders(staff, "delivered").await;
    assert_eq!(ids(&delivered, "order_id"), [id]);
    assert_eq!(app.staff_orders(staff, "pending").await["items"], json!([]));
    assert_eq!(app.staff_orders(staff, "shipped").await["items"], json!([]));
    // Placed, confirmed, shipped, delivered: one mail each, none for the refused moves.
    app.wait_for_mail(&customer.email, 4).await;
    assert_eq!(app.settled_mail_counts(&[customer]).await, [4]);
}

#[tokio::test]
async fn staff_may_cancel_a_shipped_order_and_its_stock_comes_back() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cup = app.create_product(staff, product("CUP-40", 1500, 10)).await;
    let order = app.placed(customer, vec![line(&cup, 6)]).await;
    let id = order_id(&order);
    app.walk_order(staff, id, &["confirmed", "shipped"]).await;

    let cancelled = app.move_order(staff, id, "cancelled").await;

    assert_eq!(cancelled.status(), 200);
    assert_eq!(
        cancelled.json::<Value>().await.unwrap()["status"],
        "cancelled"
    );
    assert_eq!(app.product(id_of(&cup)).await["stock"], 10);
    let twice = app.move_order(staff, id, "cancelled").await;
    problem(twice, 409, "invalid-transition").await;
    assert_eq!(app.product(id_of(&cup)).await["stock"], 10);
    let seen = app
        .json_as(&format!("/shop/staff/orders/{id}"), &staff.access)
        .await;
    assert_eq!(seen["status"], "cancelled");
    assert_eq!(
        ids(&app.staff_orders(staff, "cancelled").await, "order_id"),
        [id]
    );
    app.wait_for_mail(&customer.email, 4).await;
    assert_eq!(app.settled_mail_counts(&[customer]).await, [4]);
}

#[tokio::test]
async fn a_customer_sees_only_their_own_orders_newest_first_and_cannot_cancel_anothers() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customers = app.quick_users("customer", 2).await;
    let (a, b) = (&customers[0], &customers[1]);
    let cup = app.create_product(staff, product("CUP-50", 1500, 10)).await;
    let older = app.placed(a, vec![line(&cup, 1)]).await;
    let newer = app.placed(a, vec![line(&cup, 2)]).await;
    let theirs = app.placed(b, vec![line(&cup, 3)]).await;
    let path = format!("/shop/orders/{}", order_id(&theirs));

    let peek = app.get_as(&path, &a.access).await;
    let cancel = app.cancel_order(a, order_id(&theirs)).await;

    problem(peek, 404, "not-found").await;
    problem(cancel, 404, "not-found").await;
    assert_eq!(app.json_as(&path, &b.access).await["status"], "pending");
    assert_eq!(app.product(id_of(&cup)).await["stock"], 4);
    let mine = app.my_orders(a).await;
    assert_eq!(ids(&mine, "order_id"), [order_id(&newer), order_id(&older)]);
    let first = app.json_as("/shop/orders?limit=1", &a.access).await;
    assert_eq!(ids(&first, "order_id"), [order_id(&newer)]);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = app
        .json_as(&format!("/shop/orders?limit=1&cursor={cursor}"), &a.access)
        .await;
    assert_eq!(ids(&second, "order_id"), [order_id(&older)]);
    assert_eq!(
        ids(&app.my_orders(b).await, "order_id"),
        [order_id(&theirs)]
    );
    let malformed = app.get_as("/shop/orders/not-a-uuid", &a.access).await;
    problem(malformed, 404, "not-found").await;
}
