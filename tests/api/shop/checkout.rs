//! Checkout: one transaction per order that never oversells, prices on the server, and says
//! which line failed.

use futures_util::future::join_all;
use serde_json::{Value, json};

use super::{id_of, ids, line, order_id, problem, product};
use crate::support::{TestApp, TestUser, spawn_app};

/// A checkout as a client that honours "busy, try again" makes it: retried while busy.
async fn checkout_retrying(app: &TestApp, customer: &TestUser, lines: Vec<Value>) -> (u16, Value) {
    for _ in 0..20 {
        let response = app.checkout(customer, lines.clone()).await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        let busy = ["urn:bazaar:problem:contention"];
        if !(status == 409 && busy.iter().any(|b| body["type"] == *b)) {
            return (status, body);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("still busy after 20 tries");
}

#[tokio::test]
async fn a_hundred_concurrent_checkouts_of_seven_in_stock_sell_exactly_seven() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customers = app.quick_users("customer", 100).await;
    let cup = app.create_product(staff, product("CUP-7", 1500, 7)).await;

    let answers = join_all(
        customers
            .iter()
            .map(|c| checkout_retrying(&app, c, vec![line(&cup, 1)])),
    )
    .await;

    let mut sold = 0;
    for (status, body) in &answers {
        match status {
            201 => sold += 1,
            409 => {
                assert_eq!(body["type"], "urn:bazaar:problem:out-of-stock", "{body}");
                assert!(
                    body.to_string().contains(id_of(&cup)),
                    "names the product: {body}"
                );
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(sold, 7);
    assert_eq!(app.product(id_of(&cup)).await["stock"], 0);
    assert_eq!(
        app.staff_orders(staff, "pending").await["items"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
}

#[tokio::test]
async fn a_two_line_order_with_one_short_line_changes_no_stock_at_all() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let plenty = app
        .create_product(staff, product("PLENTY-1", 500, 10))
        .await;
    let scarce = app.create_product(staff, product("SCARCE-1", 800, 2)).await;

    let response = app
        .checkout(customer, vec![line(&plenty, 3), line(&scarce, 3)])
        .await;

    let body = problem(response, 409, "out-of-stock").await;
    let text = body.to_string();
    assert!(
        text.contains(id_of(&scarce)),
        "names the short line: {body}"
    );
    assert!(
        !text.contains(id_of(&plenty)),
        "blames only the short line: {body}"
    );
    let detail = body["detail"]
        .as_str()
        .unwrap_or_default()
        .replace(id_of(&scarce), "");
    assert!(
        body["available"] == 2 || detail.contains('2'),
        "says what is left: {body}"
    );
    assert_eq!(app.product(id_of(&plenty)).await["stock"], 10);
    assert_eq!(app.product(id_of(&scarce)).await["stock"], 2);
    assert_eq!(app.my_orders(customer).await["items"], json!([]));
}

#[tokio::test]
async fn an_order_is_priced_on_the_server_and_mails_a_confirmation() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cup = app.create_product(staff, product("CUP-3", 1250, 10)).await;
    let pot = app.create_product(staff, product("POT-3", 4999, 10)).await;
    let unpriced = json!({"product_id": id_of(&pot), "quantity": 1});

    let order = app.placed(customer, vec![line(&cup, 3), unpriced]).await;

    assert_eq!(order["status"], "pending");
    assert_eq!(order["currency"], "EUR");
    assert_eq!(order["total_minor"], 3 * 1250 + 4999);
    assert_eq!(order["lines"][0]["sku"], "CUP-3");
    assert_eq!(order["lines"][0]["unit_price_minor"], 1250);
    assert_eq!(order["lines"][0]["line_total_minor"], 3750);
    assert_eq!(order["lines"][1]["line_total_minor"], 4999);
    assert_eq!(app.product(id_of(&cup)).await["stock"], 7);
    assert_eq!(app.product(id_of(&pot)).await["stock"], 9);
    assert_eq!(
        ids(&app.my_orders(customer).await, "order_id"),
        [order_id(&order)]
    );
    let mail = app.wait_for_mail(&customer.email, 1).await;
    assert_eq!(mail.len(), 1, "one confirmation");
    let text = format!("{} {}", mail[0].subject, mail[0].body);
    assert!(
        text.contains(order_id(&order)) || text.contains("Espresso Cup"),
        "{text}"
    );
}

#[tokio::test]
async fn a_price_the_cart_did_not_show_or_a_mix_of_currencies_is_refused() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cup = app.create_product(staff, product("CUP-5", 1500, 10)).await;
    let mut dollars = product("CUP-USD", 1500, 10);
    dollars["currency"] = json!("USD");
    let dollars = app.create_product(staff, dollars).await;
    let repriced = app
        .patch_product(&staff.access, id_of(&cup), json!({"price_minor": 1800}))
        .await;
    assert_eq!(repriced.status(), 200);

    let stale = app.checkout(customer, vec![line(&cup, 1)]).await;
    let mixed = app
        .checkout(
            customer,
            vec![
                line(&dollars, 1),
                json!({"product_id": id_of(&cup), "quantity": 1}),
            ],
        )
        .await;

    problem(stale, 409, "price-changed").await;
    problem(mixed, 422, "mixed-currency").await;
    assert_eq!(app.product(id_of(&cup)).await["stock"], 10);
    assert_eq!(app.product(id_of(&dollars)).await["stock"], 10);
    let mut current = line(&cup, 1);
    current["unit_price_minor"] = json!(1800);
    assert_eq!(
        app.placed(customer, vec![current]).await["total_minor"],
        1800
    );
}

#[tokio::test]
async fn a_retried_checkout_with_the_same_idempotency_key_returns_the_first_order() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cup = app.create_product(staff, product("CUP-6", 1500, 10)).await;
    let send = |key: &'static str, quantity: u64| {
        app.http
            .post(app.url("/shop/orders"))
            .bearer_auth(&customer.access)
            .header("idempotency-key", key)
            .json(&json!({"lines": [line(&cup, quantity)]}))
            .send()
    };

    let first = send("checkout-1", 2).await.unwrap();
    let retry = send("checkout-1", 2).await.unwrap();
    let reused = send("checkout-1", 3).await.unwrap();

    assert_eq!(first.status(), 201);
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let (first, retry): (Value, Value) = (first.json().await.unwrap(), retry.json().await.unwrap());
    assert_eq!(order_id(&retry), order_id(&first));
    assert_eq!(reused.status(), 422, "a key names one request");
    assert_eq!(app.product(id_of(&cup)).await["stock"], 8);
    assert_eq!(
        ids(&app.my_orders(customer).await, "order_id"),
        [order_id(&first)]
    );
}
