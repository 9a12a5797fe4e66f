//! Nano-tasks: coins credited only from signed Stripe webhooks, escrowed tasks, submissions,
//! withdrawals, and the conservation of coins under a concurrent mix, all over real HTTP
//! against DynamoDB Local, moto and the local Stripe stand-in.

mod access;
mod coins;
mod conservation;
mod figures;
mod images;
mod notices;
mod stats;
mod tasks;
mod withdrawals;

use serde_json::{Value, json};

use crate::support::{TestApp, TestUser, fresh_address};

/// The default packages (`NANO_COIN_PACKAGES` in template.yaml).
pub const SMALL: (&str, u64, u64) = ("small", 100, 1000);
pub const MEDIUM: (&str, u64, u64) = ("medium", 500, 4500);
pub const LARGE: (&str, u64, u64) = ("large", 1000, 8000);

/// The stage's Stripe webhook endpoint secret.
pub fn webhook_secret(app: &TestApp) -> String {
    app.payment_secret("stripe_webhook_secret")
}

pub fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// A `checkout.session.completed` event of a paid session, as Stripe sends it.
pub fn completed_event(
    event_id: &str,
    session_id: &str,
    user_id: &str,
    package: (&str, u64, u64),
) -> Vec<u8> {
    let (name, coins, price) = package;
    let event = json!({
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "created": 1_700_000_000,
        "data": {"object": {
            "id": session_id,
            "object": "checkout.session",
            "payment_status": "paid",
            "status": "complete",
            "amount_total": price,
            "currency": "usd",
            "client_reference_id": user_id,
            "metadata": {"user_id": user_id, "package": name, "coins": coins.to_string()},
        }},
    });
    serde_json::to_vec(&event).unwrap()
}

/// `Stripe-Signature` of `body` signed at `at` with `secret`.
pub fn signature(secret: &str, body: &[u8], at: i64) -> String {
    let at = at.to_string();
    let v1 = bazaar_shared::webhook::sign_hex(secret.as_bytes(), &[at.as_bytes(), b".", body]);
    format!("t={at},v1={v1}")
}

/// Signed now with the stage's secret.
pub fn signed_now(app: &TestApp, body: &[u8]) -> String {
    signature(
        &webhook_secret(app),
        body,
        app.stack.clock.now().unix_timestamp(),
    )
}

pub async fn deliver(app: &TestApp, body: Vec<u8>, signature: Option<String>) -> reqwest::Response {
    let mut request = app
        .http
        .post(app.url("/nano/webhooks/stripe"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    request.send().await.expect("request failed")
}

/// Credits `package` to `user_id` the only way coins arrive: a signed, paid checkout event.
pub async fn give_coins(app: &TestApp, user_id: &str, package: (&str, u64, u64)) {
    let body = completed_event(&new_id("evt_"), &new_id("cs_"), user_id, package);
    let signature = signed_now(app, &body);
    let response = deliver(app, body, Some(signature)).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

pub async fn wallet(app: &TestApp, user: &TestUser) -> Value {
    let response = app.get_as("/nano/wallet", &user.access).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub async fn balance(app: &TestApp, user: &TestUser) -> u64 {
    wallet(app, user).await["balance"].as_u64().unwrap()
}

/// The sum of every ledger entry of `user` (all pages).
pub async fn ledger_sum(app: &TestApp, user: &TestUser) -> i64 {
    let mut sum = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/nano/wallet/ledger?limit=100&cursor={c}"),
            None => "/nano/wallet/ledger?limit=100".to_owned(),
        };
        let page: Value = app.get_as(&path, &user.access).await.json().await.unwrap();
        sum += page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["delta"].as_i64().unwrap())
            .sum::<i64>();
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return sum,
        }
    }
}

pub fn task_body(app: &TestApp, required: u32, coins: u64) -> Value {
    let due = app.stack.clock.now() + time::Duration::days(7);
    let due = due
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    json!({
        "title": "Tag ten photos",
        "detail": "Name the animals you see in each photo.",
        "instructions": "Paste one line per photo.",
        "required_workers": required,
        "coins_per_worker": coins,
        "complete_by": due,
    })
}

pub async fn post_task(
    app: &TestApp,
    buyer: &TestUser,
    required: u32,
    coins: u64,
) -> reqwest::Response {
    app.post_as(
        "/nano/tasks",
        &buyer.access,
        task_body(app, required, coins),
    )
    .await
}

/// Posts a task and answers its id.
pub async fn a_task(app: &TestApp, buyer: &TestUser, required: u32, coins: u64) -> String {
    let response = post_task(app, buyer, required, coins).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let task: Value = response.json().await.unwrap();
    task["task_id"].as_str().unwrap().to_owned()
}

pub async fn submit(app: &TestApp, worker: &TestUser, task_id: &str) -> reqwest::Response {
    let path = format!("/nano/tasks/{task_id}/submissions");
    app.post_as(&path, &worker.access, json!({"proof": "cat, dog, owl"}))
        .await
}

pub async fn decide(
    app: &TestApp,
    buyer: &TestUser,
    task_id: &str,
    worker_id: &str,
    verb: &str,
) -> reqwest::Response {
    let path = format!("/nano/tasks/{task_id}/submissions/{worker_id}/{verb}");
    app.post_as(&path, &buyer.access, json!({})).await
}

/// A worker holding `coins` earned from one approved submission to a buyer's task.
pub async fn worker_with(app: &TestApp, coins: u64) -> TestUser {
    let buyer = &app.quick_users("buyer", 1).await[0];
    let worker = app.quick_users("worker", 1).await.remove(0);
    give_coins(app, &buyer.user_id, LARGE).await;
    let task = a_task(app, buyer, 1, coins).await;
    assert_eq!(submit(app, &worker, &task).await.status(), 201);
    assert_eq!(
        decide(app, buyer, &task, &worker.user_id, "approve")
            .await
            .status(),
        200
    );
    worker
}

/// One account holding both the buyer and the worker role, signed in.
pub async fn buyer_and_worker(app: &TestApp) -> TestUser {
    use bazaar_identity::store::{NewAccount, Status};
    use bazaar_shared::auth::Role;
    let issuer = bazaar_identity::tokens::TokenIssuer::from_env(&bazaar_shared::Env::from_map(
        [(
            "JWT_PRIVATE_KEY".to_owned(),
            app.keys()["jwt_private_key"].as_str().unwrap().to_owned(),
        )]
        .into(),
    ))
    .unwrap();
    let store = app.identity_store();
    let now = app.stack.clock.now();
    let (user_id, session_id) = (new_id(""), new_id(""));
    let roles = vec![Role::Buyer, Role::Worker];
    let account = NewAccount {
        user_id: user_id.clone(),
        email: fresh_address(),
        display_name: "Both Roles".into(),
        roles: roles.clone(),
        password_hash: "unusable".into(),
        status: Status::Active,
    };
    store.register(&account, None, now).await.unwrap();
    store
        .create_session(&user_id, &session_id, "unusable", now)
        .await
        .unwrap();
    TestUser {
        access: issuer
            .access_token(&user_id, &account.email, &roles, &session_id, now)
            .unwrap(),
        user_id,
        email: account.email,
        password: String::new(),
        refresh: String::new(),
    }
}
