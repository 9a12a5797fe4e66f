//! The shop: a catalogue staff run, checkouts that never oversell, the order lifecycle and the
//! hourly sweeps, all over real HTTP against DynamoDB Local and moto.

mod access;
mod catalog;
mod checkout;
mod hostile;
mod lifecycle;
mod schedules;

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::support::{TestApp, TestUser};

/// A valid product body; tests change the fields they care about.
pub fn product(sku: &str, price_minor: u64, stock: u64) -> Value {
    json!({
        "name": format!("Espresso Cup {sku}"),
        "description": "Thick-walled porcelain, holds the heat",
        "sku": sku,
        "price_minor": price_minor,
        "currency": "EUR",
        "stock": stock,
        "low_stock_threshold": 0,
        "category": "kitchen",
    })
}

/// One order line at the price the cart showed.
pub fn line(product: &Value, quantity: u64) -> Value {
    json!({
        "product_id": id_of(product),
        "quantity": quantity,
        "unit_price_minor": product["price_minor"],
    })
}

pub fn id_of(product: &Value) -> &str {
    product["id"].as_str().expect("a product carries its id")
}

pub fn order_id(order: &Value) -> &str {
    order["order_id"].as_str().expect("an order carries its id")
}

/// The ids of a page's items, in order (`key` is `id` for products, `order_id` for orders).
pub fn ids<'a>(page: &'a Value, key: &str) -> Vec<&'a str> {
    page["items"]
        .as_array()
        .expect("a page of items")
        .iter()
        .map(|item| item[key].as_str().unwrap())
        .collect()
}

/// Asserts a problem+json answer with `status` and the `slug` problem type; returns its body.
pub async fn problem(response: reqwest::Response, status: u16, slug: &str) -> Value {
    let got = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(got, status, "{body}");
    assert_eq!(content_type, "application/problem+json", "{body}");
    assert_eq!(body["type"], format!("urn:bazaar:problem:{slug}"), "{body}");
    body
}

/// Asserts a 4xx problem+json answer of any kind; returns its status.
pub async fn refused(response: reqwest::Response) -> u16 {
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.text().await.unwrap();
    assert!((400..500).contains(&status), "{status}: {body}");
    assert_eq!(content_type, "application/problem+json", "{status}: {body}");
    status
}

impl TestApp {
    /// Shop staff, as many as asked, signed in.
    pub async fn shop_staff(&self, count: usize) -> Vec<TestUser> {
        self.quick_users("shop_staff", count).await
    }

    pub async fn create_product(&self, staff: &TestUser, body: Value) -> Value {
        let response = self.post_as("/shop/products", &staff.access, body).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    /// A live product as the public catalogue shows it.
    pub async fn product(&self, id: &str) -> Value {
        let response = self.get(&format!("/shop/products/{id}")).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    /// Any product, deleted ones too, as staff see it.
    pub async fn staff_product(&self, staff: &TestUser, id: &str) -> Value {
        self.json_as(&format!("/shop/staff/products/{id}"), &staff.access)
            .await
    }

    pub async fn stock_of(&self, staff: &TestUser, id: &str) -> i64 {
        self.staff_product(staff, id).await["stock"]
            .as_i64()
            .expect("stock is a number")
    }

    pub async fn patch_product(&self, token: &str, id: &str, body: Value) -> reqwest::Response {
        let path = format!("/shop/products/{id}");
        self.send_as(reqwest::Method::PATCH, &path, token, Some(body))
            .await
    }

    pub async fn checkout(&self, customer: &TestUser, lines: Vec<Value>) -> reqwest::Response {
        self.post_as("/shop/orders", &customer.access, json!({ "lines": lines }))
            .await
    }

    /// Places an order that must succeed; returns it.
    pub async fn placed(&self, customer: &TestUser, lines: Vec<Value>) -> Value {
        let response = self.checkout(customer, lines).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    /// A customer's own orders, newest first (one page of up to 100).
    pub async fn my_orders(&self, customer: &TestUser) -> Value {
        self.json_as("/shop/orders?limit=100", &customer.access)
            .await
    }

    pub async fn staff_orders(&self, staff: &TestUser, status: &str) -> Value {
        let path = format!("/shop/staff/orders?status={status}&limit=100");
        self.json_as(&path, &staff.access).await
    }

    pub async fn cancel_order(&self, customer: &TestUser, id: &str) -> reqwest::Response {
        let path = format!("/shop/orders/{id}/cancel");
        self.post_as(&path, &customer.access, json!({})).await
    }

    pub async fn move_order(&self, staff: &TestUser, id: &str, to: &str) -> reqwest::Response {
        let path = format!("/shop/staff/orders/{id}/status");
        self.post_as(&path, &staff.access, json!({ "to": to }))
            .await
    }

    /// Moves an order through `steps`, each of which must succeed.
    pub async fn walk_order(&self, staff: &TestUser, id: &str, steps: &[&str]) {
        for to in steps {
            let response = self.move_order(staff, id, to).await;
            assert_eq!(
                response.status(),
                200,
                "to {to}: {}",
                response.text().await.unwrap()
            );
        }
    }

    /// Every mail each customer has once the mail queue is empty, counted per address.
    pub async fn settled_mail_counts(&self, users: &[&TestUser]) -> Vec<usize> {
        self.wait_until_drained("MailQueue").await;
        join_all(users.iter().map(|u| self.mail_to(&u.email)))
            .await
            .iter()
            .map(Vec::len)
            .collect()
    }

    /// Items in the shop table, counted there: what a refused request must not have added.
    pub async fn shop_items(&self) -> usize {
        let mut count = 0;
        let mut start = None;
        loop {
            let page = self
                .stack
                .aws
                .dynamodb
                .scan()
                .table_name(self.name_of("ShopTable"))
                .set_exclusive_start_key(start)
                .consistent_read(true)
                .send()
                .await
                .unwrap();
            count += page.count as usize;
            start = page.last_evaluated_key;
            if start.is_none() {
                return count;
            }
        }
    }
}
