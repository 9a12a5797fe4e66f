//! The admin listings: accounts (all, or the holders of a role) and the audit trail.

use anyhow::Context;
use bazaar_shared::auth::Role;
use bazaar_shared::dynamo::{Item, batch_get, from_items, string};
use bazaar_shared::identity::keys::profile_key;
use bazaar_shared::identity::{AUDIT_PK, role_index_pk};
use serde::Deserialize;

use super::{AuditRecord, Store, USERS_INDEX_PK, UserRecord};

/// A page of results and DynamoDB's key to continue from.
pub type StorePage<T> = (Vec<T>, Option<Item>);

impl Store {
    /// Accounts, newest first, optionally only those holding `role`.
    pub async fn list_users(
        &self,
        role: Option<Role>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<UserRecord>> {
        let partition = role.map_or_else(|| USERS_INDEX_PK.to_owned(), role_index_pk);
        let page = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :p")
            .expression_attribute_values(":p", string(partition))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("listing accounts")?;
        let last = page.last_evaluated_key;
        let items = page.items.unwrap_or_default();
        let users = match role {
            None => from_items(items)?,
            Some(_) => {
                #[derive(Deserialize)]
                struct Membership {
                    user_id: String,
                }
                let members: Vec<Membership> = from_items(items)?;
                let ids: Vec<String> = members.into_iter().map(|m| m.user_id).collect();
                self.users_by_id(&ids).await?
            }
        };
        Ok((users, last))
    }

    /// The accounts of `ids` that exist, in the order of `ids`.
    async fn users_by_id(&self, ids: &[String]) -> anyhow::Result<Vec<UserRecord>> {
        let keys = ids.iter().map(|id| profile_key(id)).collect();
        let found: Vec<UserRecord> =
            from_items(batch_get(&self.db, &self.table, keys, "reading accounts").await?)?;
        let mut found: std::collections::HashMap<String, UserRecord> = found
            .into_iter()
            .map(|user| (user.user_id.clone(), user))
            .collect();
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
            .expression_attribute_values(":pk", string(AUDIT_PK))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("reading the audit trail")?;
        Ok((
            from_items(page.items.unwrap_or_default())?,
            page.last_evaluated_key,
        ))
    }
}
