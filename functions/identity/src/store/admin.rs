//! Admin operations. Every change is written in the same transaction as its audit record.

use std::collections::HashMap;

use anyhow::Context;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, KeysAndAttributes, Put, TransactWriteItem, Update,
};
use bazaar_shared::auth::Role;
use bazaar_shared::dynamo::{from_item, from_items, to_item};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Item, Status, Store, UserRecord, profile_key, role_key, s, timestamp};

/// One admin action.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditRecord {
    #[serde(skip_serializing_if = "String::is_empty", default)]
    #[schema(ignore)]
    pub pk: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    #[schema(ignore)]
    pub sk: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A page of results and DynamoDB's key to continue from.
pub type StorePage<T> = (Vec<T>, Option<Item>);

impl Store {
    fn audit_put(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        detail: Option<String>,
    ) -> anyhow::Result<TransactWriteItem> {
        let at = timestamp();
        let record = AuditRecord {
            pk: "AUDIT".into(),
            sk: format!("{at}#{}", uuid::Uuid::now_v7()),
            at,
            actor: actor.to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            detail,
        };
        Ok(TransactWriteItem::builder()
            .put(
                Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(to_item(&record)?))
                    .build()?,
            )
            .build())
    }

    /// Records an action that is not itself a transaction of ours (the first admin's creation).
    pub async fn record(&self, actor: &str, action: &str, target: &str) -> anyhow::Result<()> {
        self.transact(
            vec![self.audit_put(actor, action, target, None)?],
            "recording an audit entry",
        )
        .await
        .map(drop)
    }

    /// Grants a role; false when the account does not exist.
    pub async fn grant_role(
        &self,
        actor: &str,
        user: &UserRecord,
        role: Role,
    ) -> anyhow::Result<bool> {
        let items = self.grant_role_items(actor, user, role)?;
        self.transact(items, "granting a role").await
    }

    /// The writes that grant a role (profile, role membership, audit entry), for a transaction
    /// of another context that must grant the role atomically with its own writes (a broker
    /// request's approval). The profile update is conditional on the account existing.
    pub fn grant_role_items(
        &self,
        actor: &str,
        user: &UserRecord,
        role: Role,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let mut membership = role_key(&user.user_id, role);
        membership.insert("gsi1pk".into(), s(format!("ROLE#{}", role.as_str())));
        membership.insert("gsi1sk".into(), s(user.gsi1sk.clone()));
        membership.insert("user_id".into(), s(&user.user_id));
        let items = vec![
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&self.table)
                        .set_key(Some(profile_key(&user.user_id)))
                        .update_expression("ADD #roles :role SET updated_at = :at")
                        .condition_expression("attribute_exists(pk)")
                        .expression_attribute_names("#roles", "roles")
                        .expression_attribute_values(
                            ":role",
                            AttributeValue::Ss(vec![role.as_str().to_owned()]),
                        )
                        .expression_attribute_values(":at", s(timestamp()))
                        .build()?,
                )
                .build(),
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(membership))
                        .build()?,
                )
                .build(),
            self.audit_put(
                actor,
                "grant_role",
                &user.user_id,
                Some(role.as_str().to_owned()),
            )?,
        ];
        Ok(items)
    }

    pub async fn revoke_role(
        &self,
        actor: &str,
        user_id: &str,
        role: Role,
    ) -> anyhow::Result<bool> {
        let items = vec![
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&self.table)
                        .set_key(Some(profile_key(user_id)))
                        .update_expression("DELETE #roles :role SET updated_at = :at")
                        .condition_expression("attribute_exists(pk)")
                        .expression_attribute_names("#roles", "roles")
                        .expression_attribute_values(
                            ":role",
                            AttributeValue::Ss(vec![role.as_str().to_owned()]),
                        )
                        .expression_attribute_values(":at", s(timestamp()))
                        .build()?,
                )
                .build(),
            TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&self.table)
                        .set_key(Some(role_key(user_id, role)))
                        .build()?,
                )
                .build(),
            self.audit_put(
                actor,
                "revoke_role",
                user_id,
                Some(role.as_str().to_owned()),
            )?,
        ];
        self.transact(items, "revoking a role").await
    }

    /// Moves an account from `from` to `to`; false when it is not in `from`.
    pub async fn set_status(
        &self,
        actor: &str,
        user_id: &str,
        from: Status,
        to: Status,
        action: &str,
    ) -> anyhow::Result<bool> {
        let status = |s: Status| {
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        let items = vec![
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&self.table)
                        .set_key(Some(profile_key(user_id)))
                        .update_expression("SET #status = :to, updated_at = :at")
                        .condition_expression("#status = :from")
                        .expression_attribute_names("#status", "status")
                        .expression_attribute_values(":to", s(status(to)))
                        .expression_attribute_values(":from", s(status(from)))
                        .expression_attribute_values(":at", s(timestamp()))
                        .build()?,
                )
                .build(),
            self.audit_put(actor, action, user_id, None)?,
        ];
        self.transact(items, "changing an account's status").await
    }

    /// Accounts, newest first, optionally only those holding `role`.
    pub async fn list_users(
        &self,
        role: Option<Role>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<UserRecord>> {
        let partition = match role {
            Some(role) => format!("ROLE#{}", role.as_str()),
            None => "USERS".to_owned(),
        };
        let page = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :p")
            .expression_attribute_values(":p", s(partition))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("listing accounts")?;
        let last = page.last_evaluated_key.clone();
        let items = page.items.unwrap_or_default();
        let users = match role {
            None => from_items(items)?,
            Some(_) => {
                let ids: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.get("user_id").and_then(|v| v.as_s().ok()).cloned())
                    .collect();
                self.users_by_id(&ids).await?
            }
        };
        Ok((users, last))
    }

    async fn users_by_id(&self, ids: &[String]) -> anyhow::Result<Vec<UserRecord>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut keys = KeysAndAttributes::builder();
        for id in ids {
            keys = keys.keys(profile_key(id));
        }
        let mut found: HashMap<String, UserRecord> = HashMap::new();
        let mut request = Some(HashMap::from([(self.table.clone(), keys.build()?)]));
        while let Some(items) = request.filter(|r| !r.is_empty()) {
            let out = self
                .db
                .batch_get_item()
                .set_request_items(Some(items))
                .send()
                .await
                .context("reading accounts")?;
            for item in out
                .responses
                .unwrap_or_default()
                .remove(&self.table)
                .unwrap_or_default()
            {
                let user: UserRecord = from_item(item)?;
                found.insert(user.user_id.clone(), user);
            }
            request = out.unprocessed_keys;
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// The audit trail, newest first.
    pub async fn audit(
        &self,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<AuditRecord>> {
        let page = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s("AUDIT"))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("reading the audit trail")?;
        let last = page.last_evaluated_key.clone();
        Ok((from_items(page.items.unwrap_or_default())?, last))
    }
}
