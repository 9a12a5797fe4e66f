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
//! The keys other contexts share (profile, role, session, e-mail) and the role and audit writes
//! come from `bazaar_shared::identity`, so the layout is written once; the rest is ours.
//! Pending (unverified) accounts and their e-mail marker carry `expires_at` (TTL); TTL deletion
//! is lazy, so every read checks expiry itself.

mod accounts;
mod codes;
mod listing;
mod logins;
mod passwords;
mod roles;
mod sessions;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::types::builders::{PutBuilder, UpdateBuilder};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use bazaar_shared::auth::Role;
use bazaar_shared::dynamo::{Item, TransactError, key, to_attribute_value};
use bazaar_shared::identity::IdentityClient;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use accounts::{NewAccount, RegisterError};
pub use bazaar_shared::identity::{AuditRecord, Status};
pub use codes::{OTP_TTL_SECS, OtpRecord};
pub use listing::StorePage;
pub use logins::LoginGate;
pub use sessions::SessionRecord;

/// The identity table, as the identity functions use it.
#[derive(Clone, Debug)]
pub struct Store {
    db: aws_sdk_dynamodb::Client,
    table: String,
    /// Builds the role and audit writes, as every context that changes a role does.
    identity: IdentityClient,
}

/// The stored account. Only the identity functions read it: it holds the password hash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserRecord {
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

impl UserRecord {
    /// False for a pending account whose time ran out (and that TTL has not deleted yet).
    pub fn is_live(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_none_or(|at| at > now.unix_timestamp())
    }
}

/// What a one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Verify,
    Reset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Reset => "reset",
        }
    }
}

/// Why a conditional write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Its condition did not hold: the account, code or session is not in the state the write
    /// needs (each method says which).
    #[error("the write's condition did not hold")]
    Refused,
    /// Still losing races after the retries: nothing is known; try again.
    #[error("too much contention")]
    Busy,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<TransactError> for WriteError {
    fn from(error: TransactError) -> Self {
        match error {
            error if error.is_contended() => WriteError::Busy,
            TransactError::Cancelled(_) => WriteError::Refused,
            TransactError::Failed(error) => WriteError::Other(error),
        }
    }
}

/// A status as stored (`pending_verification`, `active`, `disabled`), for conditions.
fn status_value(status: Status) -> anyhow::Result<AttributeValue> {
    Ok(to_attribute_value(status)?)
}

/// The partition of the account listing (GSI1).
const USERS_INDEX_PK: &str = "USERS";

fn otp_key(user_id: &str, purpose: Purpose) -> Item {
    key(
        bazaar_shared::identity::keys::user_pk(user_id),
        format!("OTP#{}", purpose.as_str()),
    )
}

fn login_key(email: &str) -> Item {
    key(format!("LOGIN#{email}"), "FAILURES")
}

impl Store {
    pub fn new(db: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        let table = table.into();
        Self {
            identity: IdentityClient::new(db.clone(), table.clone()),
            db,
            table,
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// One item by key, read consistently.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        key: Item,
        what: &'static str,
    ) -> anyhow::Result<Option<T>> {
        bazaar_shared::dynamo::get_item(&self.db, &self.table, key, what).await
    }

    /// Runs one transaction (lost races retried by the shared helper).
    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
        what: &'static str,
    ) -> Result<(), TransactError> {
        bazaar_shared::dynamo::transact(&self.db, items, what).await
    }

    /// A put of `item` into this table, for a transaction.
    fn put(&self, item: Item) -> PutBuilder {
        Put::builder().table_name(&self.table).set_item(Some(item))
    }

    /// An update of the item at `key`, for a transaction.
    fn update(&self, key: Item) -> UpdateBuilder {
        Update::builder().table_name(&self.table).set_key(Some(key))
    }
}
