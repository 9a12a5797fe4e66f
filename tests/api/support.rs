//! `spawn_app()`: a whole local stack per test, on its own stage, so tests never share data.
//!
//! The stand-ins (DynamoDB Local and moto) must be running; the README's test command starts
//! them and exports their endpoints.

#![allow(dead_code)]

use std::path::PathBuf;

use futures_util::StreamExt;
use serde_json::Value;
use std::time::{Duration, Instant};

use bazaar_local::mailbox::{SentMail, sent_mail};
use bazaar_local::{LocalStack, StackConfig};

/// Visibility timeout of every queue in tests: a failed message is back within a second.
pub const TEST_VISIBILITY_TIMEOUT: u32 = 1;

pub struct TestApp {
    pub stack: LocalStack,
    pub http: reqwest::Client,
    pub base: String,
    pub stage: String,
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `HttpApi` route that template.yaml declares, as (METHOD, /path).
pub fn template_routes() -> Vec<(String, String)> {
    let template = bazaar_local::template::Template::load(&repo().join("template.yaml")).unwrap();
    let mut routes = Vec::new();
    for id in template.ids_of(bazaar_local::template::FUNCTION) {
        let events = template.resources[id]
            .properties
            .get("Events")
            .and_then(|e| e.as_mapping());
        for event in events.into_iter().flat_map(|e| e.values()) {
            if event["Type"].as_str() == Some("HttpApi") {
                let p = &event["Properties"];
                routes.push((
                    p["Method"].as_str().unwrap().to_uppercase(),
                    p["Path"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    routes
}

/// DynamoDB Local's endpoint, as the README's test command exports it.
pub fn dynamodb_local() -> String {
    std::env::var("AWS_ENDPOINT_URL_DYNAMODB").unwrap_or_else(|_| "http://127.0.0.1:8000".into())
}

/// A fresh stage name: lower-case, starts with a letter, as the template's pattern requires.
pub fn fresh_stage() -> String {
    format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut StackConfig)) -> TestApp {
    bazaar_shared::telemetry::init_for_tests();
    let stage = fresh_stage();
    let mut config = StackConfig::from_env(repo(), &stage);
    config.provision.visibility_timeout = Some(TEST_VISIBILITY_TIMEOUT);
    config.run_schedules = false;
    adjust(&mut config);
    let stack = LocalStack::start(config).await.unwrap_or_else(|e| {
        panic!(
            "could not start a local stack: {e:#}\n\
             Are the stand-ins running? Use the README's test command, or \
             `local/stack.sh start && eval \"$(local/stack.sh env)\"`."
        )
    });
    TestApp {
        base: stack.base_url.clone(),
        stack,
        http: reqwest::Client::new(),
        stage,
    }
}

impl TestApp {
    pub async fn send_as(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request failed")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// A physical resource name (table, bucket, …) of this test's stage.
    pub fn name_of(&self, logical_id: &str) -> String {
        self.stack.resolver.name_of(logical_id).unwrap().to_owned()
    }

    pub fn queue_url(&self, logical_id: &str) -> String {
        self.stack
            .resolver
            .queue_url(logical_id)
            .unwrap()
            .to_owned()
    }

    /// Every mail sent to `address` so far.
    pub async fn mail_to(&self, address: &str) -> Vec<SentMail> {
        sent_mail(&self.http, &self.stack.shared.moto_url)
            .await
            .expect("reading sent mail from moto")
            .into_iter()
            .filter(|m| m.to.iter().any(|to| to == address))
            .collect()
    }

    /// Waits until `address` has received `count` mails, then returns them.
    pub async fn wait_for_mail(&self, address: &str, count: usize) -> Vec<SentMail> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mail = self.mail_to(address).await;
            if mail.len() >= count || Instant::now() > deadline {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Puts raw message bodies on a queue in one batch, as any producer (or a broken one) could.
    pub async fn send_raw(&self, logical_id: &str, bodies: &[String]) {
        let entries = bodies
            .iter()
            .enumerate()
            .map(|(i, body)| {
                aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .build()
                    .unwrap()
            })
            .collect();
        let sent = self
            .stack
            .aws
            .sqs
            .send_message_batch()
            .queue_url(self.queue_url(logical_id))
            .set_entries(Some(entries))
            .send()
            .await
            .unwrap();
        assert!(sent.failed().is_empty(), "SQS refused {:?}", sent.failed());
    }

    /// Waits until a message with `body` is in the dead-letter queue `dlq` (SQS moves it there
    /// after the source queue's `maxReceiveCount` failed receipts) and returns nothing else.
    pub async fn wait_for_dead_letter(&self, dlq: &str, body: &str) {
        let deadline = Instant::now() + Duration::from_secs(40);
        let url = self.queue_url(dlq);
        loop {
            let received = self
                .stack
                .aws
                .sqs
                .receive_message()
                .queue_url(&url)
                .max_number_of_messages(10)
                .send()
                .await
                .unwrap()
                .messages
                .unwrap_or_default();
            if received.iter().any(|m| m.body() == Some(body)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the poison message never reached {dlq}"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Waits until a queue holds no message, visible or in flight.
    pub async fn wait_until_drained(&self, logical_id: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let url = self.queue_url(logical_id);
        loop {
            let attrs = self
                .stack
                .aws
                .sqs
                .get_queue_attributes()
                .queue_url(&url)
                .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
                .send()
                .await
                .unwrap()
                .attributes
                .unwrap_or_default();
            let count = |name: aws_sdk_sqs::types::QueueAttributeName| {
                attrs
                    .get(&name)
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(0)
            };
            let left = count(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
                + count(
                    aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
                );
            if left == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{logical_id} still holds {left} messages"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The smallest PNG header an upload's content check accepts.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";

/// A unique address for one test's mail.
pub fn fresh_address() -> String {
    format!("user-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// A signed-in test user.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub user_id: String,
    pub email: String,
    pub password: String,
    pub access: String,
    pub refresh: String,
}

pub const PASSWORD: &str = "correct horse battery staple";

/// The first run of exactly six digits in a mail body: the one-time code.
pub fn code_in(body: &str) -> Option<String> {
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 6 {
                return Some(body[start..i].to_owned());
            }
        } else {
            i += 1;
        }
    }
    None
}

impl TestApp {
    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request failed")
    }

    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request failed")
    }

    pub async fn post_as(
        &self,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request failed")
    }

    /// The code of the `nth` (1-based) mail sent to `email`.
    pub async fn code_from_mail(&self, email: &str, nth: usize) -> String {
        let mail = self.wait_for_mail(email, nth).await;
        assert!(mail.len() >= nth, "mail #{nth} to {email} never came");
        code_in(&mail[nth - 1].body).expect("the mail carries a 6-digit code")
    }

    pub async fn register(&self, email: &str, role: &str) -> reqwest::Response {
        self.post_json(
            "/auth/register",
            serde_json::json!({"email": email, "password": PASSWORD, "display_name": "Test User", "role": role}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/auth/login",
            serde_json::json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers, verifies with the mailed code, and signs in.
    pub async fn signed_in_user(&self, role: &str) -> TestUser {
        let email = fresh_address();
        let registered = self.register(&email, role).await;
        assert_eq!(
            registered.status(),
            201,
            "{}",
            registered.text().await.unwrap()
        );
        let user_id = registered.json::<serde_json::Value>().await.unwrap()["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let code = self.code_from_mail(&email, 1).await;
        let verified = self
            .post_json(
                "/auth/verify",
                serde_json::json!({"email": email, "code": code}),
            )
            .await;
        assert_eq!(verified.status(), 200);
        self.sign_in(&user_id, &email, PASSWORD).await
    }

    pub async fn sign_in(&self, user_id: &str, email: &str, password: &str) -> TestUser {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        let tokens: serde_json::Value = response.json().await.unwrap();
        TestUser {
            user_id: user_id.to_owned(),
            email: email.to_owned(),
            password: password.to_owned(),
            access: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh: tokens["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    pub fn identity_store(&self) -> bazaar_identity::store::Store {
        bazaar_identity::store::Store::new(
            self.stack.aws.dynamodb.clone(),
            self.name_of("IdentityTable"),
        )
    }

    /// An admin made the way an operator makes the first one, signed in.
    pub async fn signed_in_admin(&self) -> TestUser {
        let email = fresh_address();
        let made = bazaar_identity::bootstrap::ensure_admin(
            &self.identity_store(),
            &email,
            Some(PASSWORD.to_owned()),
            self.stack.clock.now(),
        )
        .await
        .unwrap();
        self.sign_in(&made.user_id, &email, PASSWORD).await
    }

    /// The stage's key secret (what Secrets Manager holds on AWS).
    pub fn keys(&self) -> serde_json::Value {
        self.stack
            .resolver
            .secret(&format!("bazaar/{}/keys", self.stage))
            .unwrap()
            .clone()
    }
}

impl TestApp {
    /// Many active accounts with `role`, signed in at once: made through the identity store and
    /// given a session and an access token signed with the stage's key, exactly what `auth`
    /// hands out after a login, without an argon2 hash or a code mail per account. For tests
    /// that need hundreds of distinct callers.
    pub async fn quick_users(&self, role: &str, count: usize) -> Vec<TestUser> {
        let role = bazaar_shared::auth::Role::parse(role).expect("a known role");
        self.quick_users_with(&[role], count).await
    }

    /// [`TestApp::quick_users`] holding every role of `roles`.
    pub async fn quick_users_with(
        &self,
        roles: &[bazaar_shared::auth::Role],
        count: usize,
    ) -> Vec<TestUser> {
        use bazaar_identity::store::{NewAccount, Status};
        let issuer = bazaar_identity::tokens::TokenIssuer::from_env(&bazaar_shared::Env::from_map(
            [(
                "JWT_PRIVATE_KEY".to_owned(),
                self.keys()["jwt_private_key"].as_str().unwrap().to_owned(),
            )]
            .into(),
        ))
        .unwrap();
        let store = self.identity_store();
        let now = self.stack.clock.now();
        let make = |_| {
            let (store, issuer) = (store.clone(), issuer.clone());
            async move {
                let user_id = uuid::Uuid::new_v4().simple().to_string();
                let email = fresh_address();
                let account = NewAccount {
                    user_id: user_id.clone(),
                    email: email.clone(),
                    display_name: "Quick User".into(),
                    roles: roles.to_vec(),
                    password_hash: "unusable".into(),
                    status: Status::Active,
                };
                store.register(&account, None, now).await.unwrap();
                let session_id = uuid::Uuid::new_v4().simple().to_string();
                store
                    .create_session(&user_id, &session_id, "unusable", now)
                    .await
                    .unwrap();
                let access = issuer
                    .access_token(&user_id, &email, roles, &session_id, now)
                    .unwrap();
                TestUser {
                    user_id,
                    email,
                    password: String::new(),
                    access,
                    refresh: String::new(),
                }
            }
        };
        futures_util::stream::iter((0..count).map(make))
            .buffer_unordered(16)
            .collect()
            .await
    }
}

/// The `type` of a problem answer.
pub async fn problem_type(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.unwrap();
    body["type"].as_str().unwrap_or_default().to_owned()
}

impl TestApp {
    pub async fn put_json_as(&self, path: &str, token: &str, body: Value) -> reqwest::Response {
        self.send_as(reqwest::Method::PUT, path, token, Some(body))
            .await
    }

    pub async fn delete_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.send_as(reqwest::Method::DELETE, path, token, None)
            .await
    }

    /// One value of the stage's `bazaar/<stage>/payments` secret (gateway keys).
    pub fn payment_secret(&self, key: &str) -> String {
        let secret = self
            .stack
            .resolver
            .secret(&format!("bazaar/{}/payments", self.stage))
            .expect("the stack's payments secret");
        secret[key]
            .as_str()
            .expect("a payments secret value")
            .to_owned()
    }
}
