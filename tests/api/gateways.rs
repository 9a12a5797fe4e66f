//! The payment gateways' stand-ins as every stack serves them: the stage's own
//! `bazaar/<stage>/payments` credentials, Razorpay's orders and payments, Stripe's Checkout,
//! and the signed webhook each sends to the API when the customer pays.

use bazaar_shared::webhook::matches_hex;
use serde_json::{Value, json};

use crate::support::{TestApp, spawn_app};

fn payments(app: &TestApp) -> Value {
    let name = format!("bazaar/{}/payments", app.stage);
    app.stack
        .resolver
        .secret(&name)
        .cloned()
        .expect("the stack's payments secret")
}

fn text<'a>(secret: &'a Value, key: &str) -> &'a str {
    secret[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in the payments secret"))
}

#[tokio::test]
async fn a_razorpay_order_of_the_stand_in_is_paid_with_a_signature_of_the_stages_key() {
    let app = spawn_app().await;
    let secret = payments(&app);
    let (key_id, key_secret) = (
        text(&secret, "razorpay_key_id"),
        text(&secret, "razorpay_key_secret"),
    );
    let razorpay = app.url("/_local/razorpay");
    let order = json!({"amount": 4500, "currency": "INR", "receipt": "tokens-3"});

    let refused = app
        .http
        .post(format!("{razorpay}/v1/orders"))
        .basic_auth(key_id, Some("wrong"))
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let created = app
        .http
        .post(format!("{razorpay}/v1/orders"))
        .basic_auth(key_id, Some(key_secret))
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let order: Value = created.json().await.unwrap();
    let order_id = order["id"].as_str().unwrap();

    let paid: Value = app
        .http
        .post(format!("{razorpay}/_pay/{order_id}"))
        .json(&json!({"webhook": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let payment_id = paid["razorpay_payment_id"].as_str().unwrap();
    let signed = [order_id.as_bytes(), b"|", payment_id.as_bytes()];
    assert!(matches_hex(
        key_secret.as_bytes(),
        &signed,
        paid["razorpay_signature"].as_str().unwrap()
    ));
    // The API verified the stand-in's signature with the stage's secret and took the event.
    assert_eq!(paid["webhook_status"], 200, "{paid}");
    let payment: Value = app
        .http
        .get(format!("{razorpay}/v1/payments/{payment_id}"))
        .basic_auth(key_id, Some(key_secret))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&payment["status"], &payment["order_id"], &payment["amount"]),
        (&json!("captured"), &json!(order_id), &json!(4500))
    );
}

#[tokio::test]
async fn a_stripe_checkout_session_of_the_stand_in_is_paid_on_its_page() {
    let app = spawn_app().await;
    let secret = payments(&app);
    let key = text(&secret, "stripe_secret_key");
    let stripe = app.url("/_local/stripe");
    let form = "mode=payment&success_url=http%3A%2F%2Flocalhost%2Fok\
        &line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd\
        &line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=100\
        &line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=10+coins\
        &line_items%5B0%5D%5Bquantity%5D=1&metadata%5Buser_id%5D=u1";
    let create = |key: &str| {
        app.http
            .post(format!("{stripe}/v1/checkout/sessions"))
            .bearer_auth(key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
    };

    assert_eq!(create("sk_test_wrong").await.unwrap().status(), 401);
    let session: Value = create(key).await.unwrap().json().await.unwrap();
    let url = session["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{stripe}/_checkout/cs_")),
        "{session}"
    );
    assert_eq!(app.http.get(url).send().await.unwrap().status(), 200);

    let paid: Value = app
        .http
        .post(format!("{url}/pay"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert!(paid["event_id"].as_str().unwrap().starts_with("evt_"));
    // The API verified the stand-in's signature with the stage's secret and took the event.
    assert_eq!(paid["webhook_status"], 200, "{paid}");
    let id = session["id"].as_str().unwrap();
    let session: Value = app
        .http
        .get(format!("{stripe}/v1/checkout/sessions/{id}"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&session["payment_status"], &session["metadata"]["user_id"]),
        (&json!("paid"), &json!("u1"))
    );
}

#[tokio::test]
async fn a_browser_paying_on_the_stand_ins_checkout_page_is_sent_back_to_the_success_url() {
    let app = spawn_app().await;
    let buyer = app.quick_users("buyer", 1).await.remove(0);
    let checkout: Value = app
        .post_as("/nano/checkout", &buyer.access, json!({"package": "small"}))
        .await
        .json()
        .await
        .unwrap();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // The page's form posts as a browser does: it asks for HTML.
    let paid = browser
        .post(format!("{}/pay", checkout["url"].as_str().unwrap()))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();

    assert_eq!(paid.status(), 303);
    // NANO_RETURN_URL: this server (the console's origin), which leads to the console.
    assert_eq!(
        paid.headers()["location"],
        format!("{}/nano/coins?checkout=success", app.base).as_str()
    );
    let wallet: Value = app
        .get_as("/nano/wallet", &buyer.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        wallet["balance"], 100,
        "credited by the webhook before the redirect"
    );
}
