use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::*;

/// A webhook as the API received it.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

/// Both stand-ins, sending their webhooks to a recording server that answers 200.
struct Gateways {
    app: Router,
    secrets: PaymentSecrets,
    received: Arc<Mutex<Vec<Received>>>,
}

async fn gateways() -> Gateways {
    let received = Arc::new(Mutex::new(Vec::new()));
    let record = received.clone();
    let api = Router::new().route(
        "/{*path}",
        post(
            move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
                let record = record.clone();
                async move {
                    let path = uri.path().to_owned();
                    record.lock().unwrap().push(Received {
                        path,
                        headers,
                        body,
                    });
                    axum::Json(json!({"received": true}))
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, api).await.unwrap() });
    let secrets = PaymentSecrets::generate().unwrap();
    Gateways {
        app: router(&secrets, &base, &Clock::system()),
        secrets,
        received,
    }
}

impl Gateways {
    async fn call(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    fn razorpay(&self, method: &str, path: &str, auth: (&str, &str), body: Value) -> Request<Body> {
        let basic = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{}:{}", auth.0, auth.1),
        );
        Request::builder()
            .method(method)
            .uri(format!("{RAZORPAY_PATH}{path}"))
            .header("authorization", format!("Basic {basic}"))
            .header("content-type", "application/json")
            .body(Body::from(if body.is_null() {
                String::new()
            } else {
                body.to_string()
            }))
            .unwrap()
    }

    fn razorpay_as_us(&self, method: &str, path: &str, body: Value) -> Request<Body> {
        let s = &self.secrets;
        self.razorpay(
            method,
            path,
            (&s.razorpay_key_id, &s.razorpay_key_secret),
            body,
        )
    }

    fn stripe(&self, method: &str, path: &str, key: &str, form: &str) -> Request<Body> {
        Request::builder()
            .method(method)
            .uri(format!("{STRIPE_PATH}{path}"))
            .header("authorization", format!("Bearer {key}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .unwrap()
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn is_id(id: &Value, prefix: &str, len: usize) -> bool {
    id.as_str()
        .and_then(|id| id.strip_prefix(prefix))
        .is_some_and(|rest| rest.len() == len && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[test]
fn payment_secrets_look_like_the_providers_test_credentials() {
    let secrets = PaymentSecrets::generate().unwrap();
    let json = secrets.to_json();
    assert!(is_id(&json["razorpay_key_id"], "rzp_test_", 14));
    assert!(is_id(&json["stripe_secret_key"], "sk_test_", 32));
    assert!(is_id(&json["stripe_webhook_secret"], "whsec_", 32));
    assert!(is_id(&json["razorpay_webhook_secret"], "", 32));
    assert_ne!(secrets, PaymentSecrets::generate().unwrap());
}

#[tokio::test]
async fn a_webhook_nobody_receives_is_reported_not_hidden() {
    let webhooks = Webhooks::new("http://127.0.0.1:9", Clock::system());
    let report = webhooks
        .deliver("/mess/webhooks/razorpay", &[], b"{}".to_vec())
        .await;
    assert_eq!(report["webhook_status"], Value::Null);
    assert!(report.contains_key("webhook_error"));
}

mod razorpay;
mod stripe;
