//! `spawn_app()`: a whole local stack per test, on its own stage, so tests never share data.
//!
//! The stand-ins (DynamoDB Local and moto) must be running; the README's test command starts
//! them and exports their endpoints.

#![allow(dead_code)]

use std::path::PathBuf;
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

/// A unique address for one test's mail.
pub fn fresh_address() -> String {
    format!("user-{}@example.com", uuid::Uuid::new_v4().simple())
}
