//! Bad input: wrong types, out-of-range numbers, too many lines, unknown products and huge
//! strings are 4xx problems, and none of them writes anything.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use super::{id_of, line, product, refused};
use crate::support::spawn_app;

fn huge() -> String {
    "x".repeat(100 * 1024)
}

#[tokio::test]
async fn bad_checkouts_are_problems_and_write_nothing() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cups = join_all(
        (0..26).map(|i| app.create_product(staff, product(&format!("CUP-{i:02}"), 100, 5))),
    )
    .await;
    let cup = &cups[0];
    let quantity = |q: Value| json!({"lines": [{"product_id": id_of(cup), "quantity": q}]});
    let unknown = uuid::Uuid::now_v7().to_string();
    let before = app.shop_items().await;

    let bodies = [
        json!({}),
        json!({"lines": "one cup please"}),
        json!({"lines": []}),
        json!({"lines": [{"product_id": 42, "quantity": 1}]}),
        json!({"lines": [{"product_id": id_of(cup)}]}),
        json!({"lines": [{"product_id": "not-a-product", "quantity": 1}]}),
        json!({"lines": [{"product_id": unknown, "quantity": 1}]}),
        json!({"lines": [line(cup, 1), line(&cups[1], 1), line(cup, 2)]}),
        json!({"lines": cups.iter().map(|c| line(c, 1)).collect::<Vec<_>>()}),
        json!({"lines": [{"product_id": huge(), "quantity": 1}]}),
        json!({"lines": [line(cup, 1)], "note": huge()}),
        quantity(json!("two")),
        quantity(json!(0)),
        quantity(json!(-1)),
        quantity(json!(1.5)),
        quantity(json!(1001)),
        quantity(json!(1_000_000_000_000u64)),
        quantity(json!(null)),
    ];
    let mut statuses = Vec::new();
    for body in &bodies {
        let answer = app
            .post_as("/shop/orders", &customer.access, body.clone())
            .await;
        statuses.push(refused(answer).await);
    }
    let not_json = app
        .http
        .post(app.url("/shop/orders"))
        .bearer_auth(&customer.access)
        .header("content-type", "application/json")
        .body("{\"lines\": [")
        .send()
        .await
        .unwrap();

    assert_eq!(refused(not_json).await, 400);
    let expected: Vec<u16> = (0..bodies.len())
        .map(|i| if i == 9 || i == 10 { 413 } else { 422 })
        .collect();
    assert_eq!(
        statuses, expected,
        "100 KB is over the body limit; the rest are invalid"
    );
    let unknown_answer = app
        .post_as("/shop/orders", &customer.access, bodies[6].clone())
        .await;
    assert_eq!(unknown_answer.status(), 422);
    assert!(
        unknown_answer.text().await.unwrap().contains(&unknown),
        "names it"
    );
    assert_eq!(app.shop_items().await, before, "nothing written");
    assert_eq!(app.my_orders(customer).await["items"], json!([]));
    assert_eq!(app.product(id_of(cup)).await["stock"], 5);
    assert_eq!(
        app.settled_mail_counts(&[customer]).await,
        [0],
        "nothing mailed"
    );
    let most = cups[..25].iter().map(|c| line(c, 1)).collect();
    assert_eq!(
        app.placed(customer, most).await["lines"]
            .as_array()
            .unwrap()
            .len(),
        25
    );
}

#[tokio::test]
async fn bad_products_are_problems_and_write_nothing() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let with = |field: &str, value: Value| {
        let mut body = product("CUP-1", 1500, 10);
        body[field] = value;
        body
    };
    let mut missing = product("CUP-1", 1500, 10);
    missing.as_object_mut().unwrap().remove("name");

    let bodies = [
        missing,
        with("name", json!("")),
        with("name", json!("n".repeat(201))),
        with("name", json!(42)),
        with("description", json!("d".repeat(5001))),
        with("description", json!(huge())),
        with("sku", json!("has space")),
        with("sku", json!("S".repeat(41))),
        with("sku", json!("")),
        with("price_minor", json!(0)),
        with("price_minor", json!(100_000_001)),
        with("price_minor", json!("15.00")),
        with("price_minor", json!(1_000_000_000_000u64)),
        with("currency", json!("eur")),
        with("currency", json!("EURO")),
        with("stock", json!(-1)),
        with("stock", json!(1_000_001)),
        with("low_stock_threshold", json!(-1)),
        with("category", json!("Big Shoes")),
        with("category", json!("c".repeat(41))),
        with("deleted", json!(true)),
        with("id", json!(uuid::Uuid::now_v7().to_string())),
    ];
    let mut statuses = Vec::new();
    for body in &bodies {
        let answer = app
            .post_as("/shop/products", &staff.access, body.clone())
            .await;
        statuses.push(refused(answer).await);
    }

    assert_eq!(statuses[5], 413, "100 KB is over the body limit");
    let validation = statuses
        .iter()
        .enumerate()
        .filter(|(i, s)| *i != 5 && **s != 422)
        .collect::<Vec<_>>();
    assert!(validation.is_empty(), "not 422: {validation:?}");
    assert_eq!(app.shop_items().await, 0, "nothing written");
    let catalogue: Value = app.get("/shop/products").await.json().await.unwrap();
    assert_eq!(catalogue["items"], json!([]));
}

#[tokio::test]
async fn malformed_and_unknown_ids_and_queries_are_problems() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let unknown = uuid::Uuid::now_v7().to_string();

    let answers = [
        app.get("/shop/products/not-a-uuid").await,
        app.get(&format!("/shop/products/{unknown}")).await,
        app.get_as("/shop/staff/products/not-a-uuid", &staff.access)
            .await,
        app.patch_product(&staff.access, "not-a-uuid", json!({"name": "x"}))
            .await,
        app.patch_product(&staff.access, &unknown, json!({"name": "x"}))
            .await,
        app.send_as(
            Method::DELETE,
            &format!("/shop/products/{unknown}"),
            &staff.access,
            None,
        )
        .await,
        app.get_as(&format!("/shop/orders/{unknown}"), &customer.access)
            .await,
        app.cancel_order(customer, "not-a-uuid").await,
        app.move_order(staff, &unknown, "confirmed").await,
    ];
    for answer in answers {
        assert_eq!(refused(answer).await, 404);
    }
    // Above the default upper bound of the price index: once a 500 from DynamoDB.
    let huge = "?min_price=9223372036854775808";
    for query in [
        "?min_price=abc",
        "?limit=101",
        "?max_price=-5",
        "?min_price=100000001",
        huge,
    ] {
        let answer = app.get(&format!("/shop/products{query}")).await;
        assert_eq!(refused(answer).await, 400, "{query}");
    }
    let status = app
        .get_as("/shop/staff/orders?status=lost", &staff.access)
        .await;
    assert_eq!(refused(status).await, 400);
    assert_eq!(app.shop_items().await, 0, "nothing written");
}
