//! The catalogue: staff create, change, soft-delete and restore products; the public browses
//! live ones only, by index, filtered, sorted and paged.

use serde_json::{Value, json};

use super::{id_of, ids, line, problem, product};
use crate::support::{PNG, TestApp, spawn_app};

async fn browse(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/shop/products{query}")).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

#[tokio::test]
async fn staff_create_a_product_that_anyone_can_read_and_its_sku_is_taken_once() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];

    let created = app.create_product(staff, product("cup-01", 1500, 12)).await;

    assert_eq!(created["sku"], "CUP-01", "SKUs are kept upper-case");
    assert_eq!(created["price_minor"], 1500);
    assert_eq!(created["currency"], "EUR");
    assert_eq!(created["stock"], 12);
    let public = app.product(id_of(&created)).await;
    assert_eq!(public["name"], "Espresso Cup cup-01");
    assert_eq!(public["stock"], 12);
    let taken = app
        .post_as("/shop/products", &staff.access, product("CUP-01", 900, 1))
        .await;
    problem(taken, 409, "sku-taken").await;
    assert_eq!(ids(&browse(&app, "").await, "id"), [id_of(&created)]);
}

#[tokio::test]
async fn a_retried_create_with_the_same_idempotency_key_makes_one_product() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let send = || {
        app.http
            .post(app.url("/shop/products"))
            .bearer_auth(&staff.access)
            .header("idempotency-key", "new-cup-1")
            .json(&product("cup-02", 1500, 3))
            .send()
    };

    let first = send().await.unwrap();
    let retry = send().await.unwrap();

    assert_eq!(first.status(), 201);
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let (first, retry): (Value, Value) = (first.json().await.unwrap(), retry.json().await.unwrap());
    assert_eq!(retry["id"], first["id"]);
    assert_eq!(ids(&browse(&app, "").await, "id"), [id_of(&first)]);
}

#[tokio::test]
async fn the_catalogue_filters_by_category_and_price_searches_sorts_and_pages() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let mut made = Vec::new();
    for (sku, price, category, name) in [
        ("MUG-1", 500, "kitchen", "Stoneware Mug"),
        ("KETTLE-1", 4000, "kitchen", "Gooseneck Kettle"),
        ("SPADE-1", 2500, "garden", "Border Spade"),
        ("GLOVES-1", 1500, "garden", "Rose Gloves"),
    ] {
        let mut body = product(sku, price, 5);
        body["category"] = json!(category);
        body["name"] = json!(name);
        made.push(app.create_product(staff, body).await);
    }
    let [mug, kettle, spade, gloves] = [0, 1, 2, 3].map(|i| id_of(&made[i]).to_owned());

    let newest = browse(&app, "").await;
    let cheapest = browse(&app, "?sort=price_asc").await;
    let dearest = browse(&app, "?sort=price_desc").await;
    let garden = browse(&app, "?category=garden").await;
    let garden_by_price = browse(&app, "?category=garden&sort=price_asc").await;
    let middle = browse(&app, "?min_price=1000&max_price=3000&sort=price_asc").await;
    let middle_newest = browse(&app, "?min_price=1000&max_price=3000").await;
    let search = browse(&app, "?q=gooseneck%20KETTLE").await;

    assert_eq!(ids(&newest, "id"), [&gloves, &spade, &kettle, &mug]);
    assert_eq!(ids(&cheapest, "id"), [&mug, &gloves, &spade, &kettle]);
    assert_eq!(ids(&dearest, "id"), [&kettle, &spade, &gloves, &mug]);
    assert_eq!(ids(&garden, "id"), [&gloves, &spade]);
    assert_eq!(ids(&garden_by_price, "id"), [&gloves, &spade]);
    assert_eq!(ids(&middle, "id"), [&gloves, &spade]);
    assert_eq!(ids(&middle_newest, "id"), [&gloves, &spade]);
    assert_eq!(ids(&search, "id"), [&kettle]);

    let first = browse(&app, "?sort=price_asc&limit=3").await;
    assert_eq!(ids(&first, "id"), [&mug, &gloves, &spade]);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let rest = browse(&app, &format!("?sort=price_asc&limit=3&cursor={cursor}")).await;
    assert_eq!(ids(&rest, "id"), [&kettle]);
    assert!(rest.get("next_cursor").is_none(), "{rest}");
    assert_eq!(
        app.get("/shop/products?cursor=forged.cursor")
            .await
            .status(),
        400
    );
    assert_eq!(app.get("/shop/products?limit=0").await.status(), 400);
    assert_eq!(app.get("/shop/products?sort=cheapest").await.status(), 400);
}

#[tokio::test]
async fn a_deleted_product_vanishes_is_refused_at_checkout_and_sells_again_once_restored() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let kept = app.create_product(staff, product("KEPT-1", 700, 5)).await;
    let gone = app.create_product(staff, product("GONE-1", 900, 5)).await;
    let path = format!("/shop/products/{}", id_of(&gone));

    let deleted = app
        .send_as(reqwest::Method::DELETE, &path, &staff.access, None)
        .await;

    assert_eq!(deleted.status(), 200);
    assert_eq!(deleted.json::<Value>().await.unwrap()["deleted"], true);
    assert_eq!(app.get(&path).await.status(), 404);
    assert_eq!(ids(&browse(&app, "").await, "id"), [id_of(&kept)]);
    assert_eq!(
        ids(&browse(&app, "?sort=price_desc").await, "id"),
        [id_of(&kept)]
    );
    assert_eq!(
        ids(&browse(&app, "?category=kitchen").await, "id"),
        [id_of(&kept)]
    );
    let history = app.staff_product(staff, id_of(&gone)).await;
    assert_eq!(
        (history["deleted"].clone(), history["sku"].clone()),
        (json!(true), json!("GONE-1"))
    );
    let twice = app
        .send_as(reqwest::Method::DELETE, &path, &staff.access, None)
        .await;
    problem(twice, 409, "already-deleted").await;
    let refused = app.checkout(customer, vec![line(&gone, 1)]).await;
    let body = problem(refused, 422, "product-unavailable").await;
    assert!(
        body.to_string().contains(id_of(&gone)),
        "names the product: {body}"
    );
    assert_eq!(app.stock_of(staff, id_of(&gone)).await, 5);

    let restore = format!("{path}/restore");
    let restored = app.post_as(&restore, &staff.access, json!({})).await;
    assert_eq!(restored.status(), 200);
    let again = app.post_as(&restore, &staff.access, json!({})).await;
    assert_eq!(again.status(), 409);
    assert_eq!(browse(&app, "").await["items"].as_array().unwrap().len(), 2);
    app.placed(customer, vec![line(&gone, 2)]).await;
    assert_eq!(app.product(id_of(&gone)).await["stock"], 3);
}

#[tokio::test]
async fn a_product_image_is_checked_by_content_and_served_by_a_short_lived_link() {
    let app = spawn_app().await;
    let staff = &app.shop_staff(1).await[0];
    let customer = &app.quick_users("customer", 1).await[0];
    let cup = app.create_product(staff, product("CUP-9", 1500, 1)).await;
    let upload = |token: &str, bytes: &[u8]| {
        app.http
            .put(app.url(&format!("/shop/products/{}/image", id_of(&cup))))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
    };

    let gif = upload(&staff.access, b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
        .await
        .unwrap();
    let foreign = upload(&customer.access, PNG).await.unwrap();
    let stored = upload(&staff.access, PNG).await.unwrap();

    assert_eq!(gif.status(), 415);
    assert_eq!(foreign.status(), 403);
    assert_eq!(stored.status(), 200);
    let link = stored.json::<Value>().await.unwrap()["image_url"]
        .as_str()
        .expect("an image link")
        .to_owned();
    assert!(link.contains("X-Amz-Expires=300"), "{link}");
    let fetched = app.http.get(&link).send().await.unwrap();
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), PNG);
    let listed = app
        .stack
        .aws
        .s3
        .list_objects_v2()
        .bucket(app.name_of("UploadsBucket"))
        .prefix(format!("shop/products/{}/", id_of(&cup)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.contents().len(),
        1,
        "the refused uploads stored nothing"
    );
}
