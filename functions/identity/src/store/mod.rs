//! The identity table (one DynamoDB table, single-table design).
//!
//! | pk              | sk              | what                                              |
//! |-----------------|-----------------|---------------------------------------------------|
//! | `USER#<id>`     | `PROFILE`       | the account (GSI1: `USERS` / `<created>#<id>`)    |
//! | `USER#<id>`     | `ROLE#<role>`   | role membership (GSI1: `ROLE#<role>` / `<created>#<id>`) |
//! | `USER#<id>`     | `OTP#<purpose>` | a pending e-mail code (hashed)                    |
//! | `USER#<id>`     | `SESSION#<sid>` | a refresh-token family (secret hashed)            |
//! | `EMAIL#<email>` | `EMAIL`         | uniqueness marker of an address                   |
//! | `LOGIN#<email>` | `FAILURES`      | failed-login counter and lock                     |
//! | `AUDIT`         | `<time>#<id>`   | one admin action                                  |
//!
//! Pending (unverified) accounts and their e-mail marker carry `expires_at` (TTL); TTL deletion
//! is lazy, so every read checks expiry itself.

mod accounts;
mod admin;
mod sessions;

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use bazaar_shared::auth::Role;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

pub use accounts::{NewAccount, RegisterError};
pub use admin::AuditRecord;
pub use sessions::SessionRecord;

pub type Item = HashMap<String, AttributeValue>;

#[derive(Clone, Debug)]
pub struct Store {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

/// Where an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    PendingVerification,
    Active,
    Disabled,
}

/// The stored account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserRecord {
    pub pk: String,
    pub sk: String,
    pub gsi1pk: String,
    pub gsi1sk: String,
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    #[serde(
        with = "serde_dynamo::string_set",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub roles: Vec<Role>,
    pub status: Status,
    pub password_hash: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// What a one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Verify,
    Reset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Reset => "reset",
        }
    }
}

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn key(pk: String, sk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

pub fn user_pk(user_id: &str) -> String {
    format!("USER#{user_id}")
}

pub fn profile_key(user_id: &str) -> Item {
    key(user_pk(user_id), "PROFILE")
}

pub fn email_key(email: &str) -> Item {
    key(format!("EMAIL#{email}"), "EMAIL")
}

fn role_key(user_id: &str, role: Role) -> Item {
    key(user_pk(user_id), format!("ROLE#{}", role.as_str()))
}

fn otp_key(user_id: &str, purpose: Purpose) -> Item {
    key(user_pk(user_id), format!("OTP#{}", purpose.as_str()))
}

fn login_key(email: &str) -> Item {
    key(format!("LOGIN#{email}"), "FAILURES")
}

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

pub fn timestamp() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .expect("UTC timestamps always format")
}

impl Store {
    pub fn new(db: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            db,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Runs a transaction: `false` when a condition cancelled it, an error for anything else.
    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
        what: &'static str,
    ) -> anyhow::Result<bool> {
        bazaar_shared::dynamo::transact_or_cancelled(&self.db, items, what).await
    }

    /// One item by key, read consistently.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        key: Item,
        what: &'static str,
    ) -> anyhow::Result<Option<T>> {
        bazaar_shared::dynamo::get_item(&self.db, &self.table, key, what).await
    }
}
