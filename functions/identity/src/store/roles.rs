//! Admin changes to an account: roles and status. Each is written in the same transaction as
//! its audit entry; the role and audit writes are the shared identity client's, so every
//! context that changes a role writes the same items.

use anyhow::Context;
use aws_sdk_dynamodb::types::TransactWriteItem;
use bazaar_shared::auth::Role;
use bazaar_shared::dynamo::{Item, from_item, string, timestamp, to_item};
use bazaar_shared::identity::Member;
use bazaar_shared::identity::keys::profile_key;
use time::OffsetDateTime;

use super::{Status, Store, UserRecord, WriteError, status_value};

impl Store {
    /// Records an action that is not itself a transaction of ours (the first admin's creation).
    pub async fn record(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let entry = self.identity.audit_put(actor, action, target, None, now)?;
        Ok(self
            .transact(vec![entry], "recording an audit entry")
            .await?)
    }

    /// Grants a role; [`WriteError::Refused`] when the account does not exist (any more).
    pub async fn grant_role(
        &self,
        actor: &str,
        user: &UserRecord,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let items = self
            .identity
            .grant_role_items(actor, &member(user)?, role, now)?;
        Ok(self.transact(items, "granting a role").await?)
    }

    /// Revokes a role; [`WriteError::Refused`] when the account does not exist.
    pub async fn revoke_role(
        &self,
        actor: &str,
        user_id: &str,
        role: Role,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let items = self.identity.revoke_role_items(actor, user_id, role, now)?;
        Ok(self.transact(items, "revoking a role").await?)
    }

    /// Moves an account from `from` to `to`, audited as `action`; [`WriteError::Refused`] when
    /// it is not in `from`.
    pub async fn set_status(
        &self,
        actor: &str,
        user_id: &str,
        (from, to): (Status, Status),
        action: &str,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let update = self
            .update(profile_key(user_id))
            .update_expression("SET #status = :to, updated_at = :at")
            .condition_expression("#status = :from")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", status_value(to)?)
            .expression_attribute_values(":from", status_value(from)?)
            .expression_attribute_values(":at", string(timestamp(now)))
            .build()
            .context("changing an account's status")?;
        let items = vec![
            TransactWriteItem::builder().update(update).build(),
            self.identity.audit_put(actor, action, user_id, None, now)?,
        ];
        Ok(self.transact(items, "changing an account's status").await?)
    }
}

/// The account as other contexts see it, made from the record we already hold rather than
/// read again: the member view is a projection of the same item.
fn member(user: &UserRecord) -> anyhow::Result<Member> {
    let item: Item = to_item(user)?;
    from_item(item).context("viewing an account as a member")
}
