//! Prize bonds: registry, winning lists, matching, broker requests and stores.

mod brokers;
mod draws;
mod matching;
mod registry;
mod stores;

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{TestApp, TestUser};

/// An official-looking list: heading, date, one first, some second and third prizes.
pub fn list_text(denomination: u32, date: &str, numbers: &[String]) -> String {
    let (first, rest) = numbers.split_first().expect("at least one number");
    let (second, third) = rest.split_at(3.min(rest.len()));
    let mut text = format!(
        "NATIONAL SAVINGS (BOND SECTION)\n\nDRAW OF Rs. {denomination}/- PRIZE BOND\n\
         Held at: KARACHI   Date: {date}\n\nFirst Prize of Rs. 1,500,000/-\n   {first}\n\n\
         Second Prize of Rs. 500,000/- Each\n   {}\n\nThird Prize of Rs. 9,300/- Each\n",
        second.join("   ")
    );
    for row in third.chunks(12) {
        text.push_str(&format!("  {}\n", row.join("  ")));
    }
    text
}

/// `count` distinct winning numbers starting at `start`.
pub fn winning_numbers(start: u32, count: u32) -> Vec<String> {
    (0..count)
        .map(|i| format!("{:06}", start + i * 37))
        .collect()
}

pub async fn upload(app: &TestApp, token: &str, text: &str) -> reqwest::Response {
    app.http
        .post(app.url("/draws"))
        .bearer_auth(token)
        .header("content-type", "text/plain")
        .body(text.to_owned())
        .send()
        .await
        .unwrap()
}

/// Uploads a list and waits until its draw is no longer pending.
pub async fn processed(app: &TestApp, admin: &TestUser, text: &str) -> Value {
    let response = upload(app, &admin.access, text).await;
    assert_eq!(response.status(), 202, "{}", response.text().await.unwrap());
    let draw: Value = response.json().await.unwrap();
    assert_eq!(draw["status"], "pending");
    wait_for_draw(app, draw["id"].as_str().unwrap()).await
}

pub async fn wait_for_draw(app: &TestApp, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let draw: Value = app.get(&format!("/draws/{id}")).await.json().await.unwrap();
        if draw["status"] != "pending" || Instant::now() > deadline {
            return draw;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub async fn add_bonds(
    app: &TestApp,
    user: &TestUser,
    denomination: u32,
    numbers: &[String],
) -> Value {
    let response = app
        .post_as(
            "/bonds",
            &user.access,
            serde_json::json!({"denomination": denomination, "numbers": numbers}),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

pub async fn wins_of(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let page: Value = app
        .get_as("/wins?limit=100", &user.access)
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

pub fn bonds_store(app: &TestApp) -> bazaar_bonds::store::Store {
    bazaar_bonds::store::Store::new(app.stack.aws.dynamodb.clone(), app.name_of("BondsTable"))
}
