//! Sessions: one item per refresh-token family. Access tokens name their session, and the
//! shared verifier refuses every token of a revoked session.

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use bazaar_shared::auth::session_key;
use bazaar_shared::dynamo::{is_condition_failed, to_item};
use futures_util::future::try_join_all;
use serde::{Deserialize, Serialize};

use super::{Store, n, now, s, user_pk};
use crate::tokens::SESSION_TTL_SECS;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionRecord {
    pub pk: String,
    pub sk: String,
    pub session_id: String,
    pub user_id: String,
    pub secret_hash: String,
    pub revoked: bool,
    pub created_at: i64,
    pub expires_at: i64,
}

impl Store {
    pub async fn create_session(
        &self,
        user_id: &str,
        session_id: &str,
        secret_hash: &str,
    ) -> anyhow::Result<()> {
        let now = now();
        let record = SessionRecord {
            pk: user_pk(user_id),
            sk: format!("SESSION#{session_id}"),
            session_id: session_id.to_owned(),
            user_id: user_id.to_owned(),
            secret_hash: secret_hash.to_owned(),
            revoked: false,
            created_at: now,
            expires_at: now + SESSION_TTL_SECS,
        };
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(&record)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .context("creating a session")?;
        Ok(())
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
    /// of two concurrent refreshes with one token, one wins and the other is a reuse.
    pub async fn rotate_session(
        &self,
        user_id: &str,
        session_id: &str,
        old_hash: &str,
        new_hash: &str,
    ) -> anyhow::Result<bool> {
        let update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(session_key(user_id, session_id)))
            .update_expression("SET secret_hash = :new")
            .condition_expression("secret_hash = :old AND revoked = :false AND expires_at > :now")
            .expression_attribute_values(":new", s(new_hash))
            .expression_attribute_values(":old", s(old_hash))
            .expression_attribute_values(":false", AttributeValue::Bool(false))
            .expression_attribute_values(":now", n(now()))
            .send()
            .await;
        match update {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(e).context("rotating a refresh token"),
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
        let mut revoked = 0;
        let mut start = None;
        loop {
            let page = self
                .db
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .filter_expression("revoked = :false")
                .expression_attribute_values(":pk", s(user_pk(user_id)))
                .expression_attribute_values(":prefix", s("SESSION#"))
                .expression_attribute_values(":false", AttributeValue::Bool(false))
                .projection_expression("session_id")
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .context("listing a user's sessions")?;
            let ids: Vec<String> = page
                .items()
                .iter()
                .filter_map(|i| i.get("session_id").and_then(|v| v.as_s().ok()).cloned())
                .collect();
            revoked += ids.len();
            try_join_all(ids.iter().map(|id| self.revoke_session(user_id, id))).await?;
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(revoked);
            }
        }
    }
}
