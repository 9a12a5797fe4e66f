//! Broker stores: broker-only profile, public directory by name and by city.

use serde_json::{Value, json};

use crate::support::{TestApp, spawn_app};

pub fn store(name: &str, city: &str) -> Value {
    json!({"name": name, "description": "Prize bonds bought and sold", "city": city,
           "area": "Saddar", "phone": "+92 21 3456 7890", "email": "shop@example.com"})
}

pub async fn put_store(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.http
        .put(app.url("/stores/mine"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn brokers_keep_a_store_listed_in_the_public_directory_by_city() {
    let app = spawn_app().await;
    let brokers = app.quick_users("broker", 3).await;
    let member = app.quick_users("member", 1).await.remove(0);
    for (broker, (name, city)) in brokers.iter().zip([
        ("Bohri Bonds", "Karachi"),
        ("Anarkali Bonds", "Lahore"),
        ("Clifton Bonds", " karachi "),
    ]) {
        let saved = put_store(&app, &broker.access, store(name, city)).await;
        assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    }
    assert_eq!(
        put_store(&app, &member.access, store("Mine", "Quetta"))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.http
            .put(app.url("/stores/mine"))
            .json(&store("x", "y"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let mut bad = store("Bad", "Karachi");
    bad["phone"] = json!("call me");
    bad["email"] = json!("nope");
    let refused = put_store(&app, &brokers[0].access, bad).await;
    assert_eq!(refused.status(), 422);

    let names = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(app.get("/stores").await.json().await.unwrap()),
        ["Anarkali Bonds", "Bohri Bonds", "Clifton Bonds"]
    );
    let first: Value = app
        .get("/stores?city=KARACHI&limit=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(names(first.clone()), ["Bohri Bonds"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest: Value = app
        .get(&format!("/stores?city=karachi&limit=1&cursor={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(names(rest), ["Clifton Bonds"]);

    assert_eq!(
        put_store(
            &app,
            &brokers[0].access,
            store("Bohri Bonds & Co", "Karachi")
        )
        .await
        .status(),
        200
    );
    let mine: Value = app
        .get_as("/stores/mine", &brokers[0].access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["name"], "Bohri Bonds & Co");
    let deleted = app
        .http
        .delete(app.url("/stores/mine"))
        .bearer_auth(&brokers[1].access)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        names(app.get("/stores").await.json().await.unwrap()),
        ["Bohri Bonds & Co", "Clifton Bonds"]
    );
}
