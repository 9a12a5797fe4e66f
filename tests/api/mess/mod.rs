//! Mess tokens: tenancy, buying through the Razorpay stand-in (verify and webhook, once),
//! redeeming with a PIN, and the owner's views.

mod buying;
mod gateway_failures;
mod input;
mod redeeming;
mod reminders;
mod tenancy;

use serde_json::{Value, json};

use crate::support::{TestApp, TestUser};

pub const PIN: &str = "482913";
/// Price of one token in paise.
pub const PRICE: u64 = 5000;

/// A mess and its owner.
pub struct Mess {
    pub owner: TestUser,
    pub id: String,
    pub code: String,
}

/// An owner (granted the role as an admin would) and their new mess.
pub async fn a_mess(app: &TestApp) -> Mess {
    let owner = app.quick_users("mess_owner", 1).await.remove(0);
    let body = json!({"name": "North Hostel Mess", "address": "Block C, Campus", "price_minor": PRICE, "currency": "INR"});
    let created = app.post_as("/mess/messes", &owner.access, body).await;
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let mess: Value = created.json().await.unwrap();
    Mess {
        owner,
        id: mess["id"].as_str().unwrap().to_owned(),
        code: mess["join_code"].as_str().unwrap().to_owned(),
    }
}

/// A student who joined `mess` and set [`PIN`].
pub async fn a_student(app: &TestApp, mess: &Mess) -> TestUser {
    let student = app.quick_users("student", 1).await.remove(0);
    let joined = app
        .post_as("/mess/join", &student.access, json!({"code": mess.code}))
        .await;
    assert_eq!(joined.status(), 200, "{}", joined.text().await.unwrap());
    let pin = app
        .put_json_as("/mess/me/pin", &student.access, json!({"pin": PIN}))
        .await;
    assert_eq!(pin.status(), 204, "{}", pin.text().await.unwrap());
    student
}

/// A new order of `tokens` tokens.
pub async fn order(app: &TestApp, student: &TestUser, tokens: u32) -> Value {
    let made = app
        .post_as("/mess/orders", &student.access, json!({"tokens": tokens}))
        .await;
    assert_eq!(made.status(), 201, "{}", made.text().await.unwrap());
    made.json().await.unwrap()
}

/// Pays the order at the Razorpay stand-in (`options` as its `/_pay` takes them) and answers
/// the checkout's signed result.
pub async fn pay(app: &TestApp, order: &Value, options: Value) -> Value {
    let gateway_order = order["razorpay_order_id"].as_str().unwrap();
    let paid = app
        .http
        .post(app.url(&format!("/_local/razorpay/_pay/{gateway_order}")))
        .json(&options)
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), 200);
    paid.json().await.unwrap()
}

/// The checkout's result, as the browser would post it.
pub fn checkout(paid: &Value) -> Value {
    json!({
        "razorpay_order_id": paid["razorpay_order_id"],
        "razorpay_payment_id": paid["razorpay_payment_id"],
        "razorpay_signature": paid["razorpay_signature"],
    })
}

pub async fn verify(
    app: &TestApp,
    student: &TestUser,
    order: &Value,
    body: Value,
) -> reqwest::Response {
    let path = format!("/mess/orders/{}/verify", order["id"].as_str().unwrap());
    app.post_as(&path, &student.access, body).await
}

/// A student of `mess` holding `tokens` paid tokens.
pub async fn student_with_tokens(app: &TestApp, mess: &Mess, tokens: u32) -> TestUser {
    let student = a_student(app, mess).await;
    let order = order(app, &student, tokens).await;
    let paid = pay(app, &order, json!({})).await;
    let verified = verify(app, &student, &order, checkout(&paid)).await;
    assert_eq!(verified.status(), 200, "{}", verified.text().await.unwrap());
    student
}

pub async fn balance(app: &TestApp, student: &TestUser) -> u64 {
    let answer = app.get_as("/mess/balance", &student.access).await;
    assert_eq!(answer.status(), 200);
    answer.json::<Value>().await.unwrap()["tokens"]
        .as_u64()
        .unwrap()
}

/// Every token of the student (any status).
pub async fn tokens(app: &TestApp, student: &TestUser) -> Vec<Value> {
    let answer = app.get_as("/mess/tokens?limit=100", &student.access).await;
    assert_eq!(answer.status(), 200);
    let page: Value = answer.json().await.unwrap();
    page["items"].as_array().unwrap().clone()
}
