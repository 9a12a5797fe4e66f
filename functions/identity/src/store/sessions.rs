//! Sessions: one item per refresh-token family. Access tokens name their session, and the
//! shared verifier refuses every token of a revoked session.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, TransactWriteItem};
use bazaar_shared::dynamo::{from_items, is_condition_failed, item_at, number, string};
use bazaar_shared::identity::keys::{profile_key, session_key, user_pk};
use futures_util::future::try_join_all;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Status, Store, WriteError, status_value};
use crate::tokens::SESSION_TTL_SECS;

/// The sort-key prefix of a user's sessions.
const SESSION_PREFIX: &str = "SESSION#";

/// A session (refresh-token family); its times are Unix seconds (`expires_at` is the TTL).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionRecord {
    pub session_id: String,
    pub user_id: String,
    pub secret_hash: String,
    pub revoked: bool,
    pub created_at: i64,
    pub expires_at: i64,
}

impl SessionRecord {
    pub fn is_live(&self, now: OffsetDateTime) -> bool {
        bazaar_shared::identity::session_is_live(self.revoked, self.expires_at, now)
    }
}

impl Store {
    /// A new session, only while the account is active (one transaction: the session put and a
    /// check of the account's status), so a sign-in that read the account just before an admin
    /// disabled it gets no session: [`WriteError::Refused`]. Disabling revokes the sessions that
    /// exist; this refuses the ones that would come after.
    pub async fn create_session(
        &self,
        user_id: &str,
        session_id: &str,
        secret_hash: &str,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let now = now.unix_timestamp();
        let record = SessionRecord {
            session_id: session_id.to_owned(),
            user_id: user_id.to_owned(),
            secret_hash: secret_hash.to_owned(),
            revoked: false,
            created_at: now,
            expires_at: now + SESSION_TTL_SECS,
        };
        let put = self
            .put(item_at(session_key(user_id, session_id), &record)?)
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .context("creating a session")?;
        let active = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(profile_key(user_id)))
            .condition_expression("#status = :active")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":active", status_value(Status::Active)?)
            .build()
            .context("creating a session")?;
        let items = vec![
            TransactWriteItem::builder().put(put).build(),
            TransactWriteItem::builder().condition_check(active).build(),
        ];
        Ok(self.transact(items, "creating a session").await?)
    }

    pub async fn session(
        &self,
        user_id: &str,
        session_id: &str,
    ) -> anyhow::Result<Option<SessionRecord>> {
        self.get(session_key(user_id, session_id), "reading a session")
            .await
    }

    /// Replaces the session's secret, only if it still is `old_hash` and the session is live:
    /// of two concurrent refreshes with one token, one wins and the other ([`WriteError::Refused`])
    /// is a reuse.
    pub async fn rotate_session(
        &self,
        user_id: &str,
        session_id: &str,
        (old_hash, new_hash): (&str, &str),
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(session_key(user_id, session_id)))
            .update_expression("SET secret_hash = :new")
            .condition_expression("secret_hash = :old AND revoked = :false AND expires_at > :now")
            .expression_attribute_values(":new", string(new_hash))
            .expression_attribute_values(":old", string(old_hash))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(":now", number(now.unix_timestamp()))
            .send()
            .await;
        match update {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failed(&e) => Err(WriteError::Refused),
            Err(e) => Err(anyhow::Error::new(e)
                .context("rotating a refresh token")
                .into()),
        }
    }

    pub async fn revoke_session(&self, user_id: &str, session_id: &str) -> anyhow::Result<()> {
        let update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(session_key(user_id, session_id)))
            .update_expression("SET revoked = :true")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .send()
            .await;
        match update {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failed(&e) => Ok(()),
            Err(e) => Err(e).context("revoking a session"),
        }
    }

    /// Ends every live session of a user (password change, disabled account, lost role).
    pub async fn revoke_all_sessions(&self, user_id: &str) -> anyhow::Result<usize> {
        #[derive(Deserialize)]
        struct LiveSession {
            session_id: String,
        }
        let mut revoked = 0;
        let mut pages = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .filter_expression("revoked = :false")
            .expression_attribute_values(":pk", string(user_pk(user_id)))
            .expression_attribute_values(":prefix", string(SESSION_PREFIX))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .projection_expression("session_id")
            .consistent_read(true)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.context("listing a user's sessions")?;
            let live: Vec<LiveSession> = from_items(page.items.unwrap_or_default())?;
            revoked += live.len();
            try_join_all(
                live.iter()
                    .map(|s| self.revoke_session(user_id, &s.session_id)),
            )
            .await?;
        }
        Ok(revoked)
    }
}
