//! Who may do what: customers order, staff run the catalogue and move orders, admins make
//! staff, and stock and prices are never written where they must not be.

use reqwest::Method;
use serde_json::{Value, json};

use super::{id_of, line, order_id, problem, product, refused};
use crate::support::spawn_app;

#[tokio::test]
async fn a_customer_can_neither_run_the_catalogue_nor_move_orders() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cup = app.create_product(staff, product("CUP-60", 1500, 10)).await;
    let order = app.placed(customer, vec![line(&cup, 1)]).await;
    let (path, token) = (format!("/shop/products/{}", id_of(&cup)), &customer.access);
    let before = app.shop_items().await;

    let answers = [
        app.post_as("/shop/products", token, product("MINE-1", 1, 1))
            .await,
        app.patch_product(token, id_of(&cup), json!({"stock": 1000}))
            .await,
        app.send_as(Method::DELETE, &path, token, None).await,
        app.post_as(&format!("{path}/restore"), token, json!({}))
            .await,
        app.get_as(&format!("/shop/staff/products/{}", id_of(&cup)), token)
            .await,
        app.get_as("/shop/staff/orders?status=pending", token).await,
        app.get_as(&format!("/shop/staff/orders/{}", order_id(&order)), token)
            .await,
        app.move_order(customer, order_id(&order), "shipped").await,
        app.checkout(staff, vec![line(&cup, 1)]).await,
    ];

    for answer in answers {
        problem(answer, 403, "forbidden").await;
    }
    let anonymous = app
        .post_json("/shop/products", product("ANON-1", 1, 1))
        .await;
    problem(anonymous, 401, "unauthorized").await;
    let anonymous = app
        .post_json("/shop/orders", json!({"lines": [line(&cup, 1)]}))
        .await;
    problem(anonymous, 401, "unauthorized").await;
    assert_eq!(app.shop_items().await, before, "nothing written");
    assert_eq!(app.product(id_of(&cup)).await["stock"], 9);
    assert_eq!(
        app.my_orders(customer).await["items"][0]["status"],
        "pending"
    );
}

#[tokio::test]
async fn an_admin_makes_shop_staff_who_work_once_signed_in_again() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let member = app.signed_in_user("member").await;
    let grant = format!("/admin/users/{}/roles/shop_staff", member.user_id);

    let granted = app.send_as(Method::PUT, &grant, &admin.access, None).await;

    assert_eq!(granted.status(), 200);
    let stale = app
        .post_as("/shop/products", &member.access, product("CUP-70", 1500, 1))
        .await;
    problem(stale, 403, "forbidden").await;
    let staff = app
        .sign_in(&member.user_id, &member.email, &member.password)
        .await;
    let created = app.create_product(&staff, product("CUP-70", 1500, 1)).await;
    assert_eq!(app.product(id_of(&created)).await["sku"], "CUP-70");
}

#[tokio::test]
async fn fields_that_must_not_be_written_are_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cup = app.create_product(staff, product("CUP-80", 1500, 10)).await;
    let order = app.placed(customer, vec![line(&cup, 1)]).await;
    let id = id_of(&cup);

    let patches = [
        json!({"sku": "OTHER-1"}),
        json!({"id": "00000000-0000-7000-8000-000000000000"}),
        json!({"deleted": true}),
        json!({"deleted_at": "2026-01-01T00:00:00Z"}),
        json!({"low_alerted_at": "2026-01-01T00:00:00Z"}),
        json!({"currency": "USD"}),
        json!({"name": "Renamed", "stock": 1, "created_at": "2020-01-01T00:00:00Z"}),
        json!({"stock": -1}),
        json!({"price_minor": 0}),
    ];
    for body in patches {
        let answer = app.patch_product(&staff.access, id, body.clone()).await;
        assert_eq!(refused(answer).await, 422, "{body}");
    }
    let mut priced_line = line(&cup, 1);
    priced_line["price_minor"] = json!(1);
    let mut stocked_line = line(&cup, 1);
    stocked_line["stock"] = json!(1000);
    let checkouts = [
        json!({"lines": [priced_line]}),
        json!({"lines": [stocked_line]}),
        json!({"lines": [line(&cup, 1)], "total_minor": 1}),
        json!({"lines": [line(&cup, 1)], "customer_id": "someone-else"}),
        json!({"lines": [line(&cup, 1)], "status": "delivered"}),
    ];
    for body in checkouts {
        let answer = app
            .post_as("/shop/orders", &customer.access, body.clone())
            .await;
        assert_eq!(refused(answer).await, 422, "{body}");
    }
    let cheap = {
        let mut cheap = line(&cup, 1);
        cheap["unit_price_minor"] = json!(1);
        app.checkout(customer, vec![cheap]).await
    };
    problem(cheap, 409, "price-changed").await;
    let move_body = json!({"to": "shipped", "stock": 100});
    let path = format!("/shop/staff/orders/{}/status", order_id(&order));
    assert_eq!(
        refused(app.post_as(&path, &staff.access, move_body).await).await,
        422
    );

    let now: Value = app.staff_product(staff, id).await;
    assert_eq!(
        (
            now["sku"].clone(),
            now["stock"].clone(),
            now["price_minor"].clone()
        ),
        (json!("CUP-80"), json!(9), json!(1500))
    );
    assert_eq!(now["name"], cup["name"]);
    assert_ne!(now["deleted"], true);
    assert_eq!(
        app.my_orders(customer).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.my_orders(customer).await["items"][0]["status"],
        "pending"
    );
}
