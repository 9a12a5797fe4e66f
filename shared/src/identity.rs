//! The identity service as other contexts see it: where its items live, a caller's contact,
//! and the writes that grant or revoke a role inside another context's transaction.
//!
//! This is the only door into the identity table for code outside `functions/identity`: it
//! never hands out a password hash, and its writes are the three a role change needs (profile
//! roles, role membership, audit entry). Identity's own store builds its keys from [`keys`] and
//! its role changes from [`IdentityClient`], so the layout is written once.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::auth::{Caller, Role};
use crate::dynamo::{Item, attr, to_item};
use crate::error::ApiError;

/// The identity table's keys (single-table design; see `functions/identity/src/store`).
pub mod keys {
    use crate::auth::Role;
    use crate::dynamo::{Item, key};

    pub fn user_pk(user_id: &str) -> String {
        format!("USER#{user_id}")
    }

    /// The account itself.
    pub fn profile_key(user_id: &str) -> Item {
        key(user_pk(user_id), "PROFILE")
    }

    /// One role membership (indexed by role for the admin listing).
    pub fn role_key(user_id: &str, role: Role) -> Item {
        key(user_pk(user_id), format!("ROLE#{}", role.as_str()))
    }

    /// A session (refresh-token family): every access-token check reads it, so revoking it
    /// ends its tokens at once.
    pub fn session_key(user_id: &str, session_id: &str) -> Item {
        key(user_pk(user_id), format!("SESSION#{session_id}"))
    }

    /// The uniqueness marker of an e-mail address.
    pub fn email_key(email: &str) -> Item {
        key(format!("EMAIL#{email}"), "EMAIL")
    }
}

/// Where an account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    PendingVerification,
    Active,
    Disabled,
}

/// What another context may know of an account: enough to mail it or change its roles.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub status: Status,
    #[serde(with = "serde_dynamo::string_set", default)]
    pub roles: Vec<Role>,
    /// The account's position in the user listings (`<created>#<id>`), which its role
    /// memberships share.
    #[serde(rename = "gsi1sk")]
    listing_position: String,
}

/// One admin action, as the audit trail keeps it.
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

/// The partition of the audit trail.
pub const AUDIT_PK: &str = "AUDIT";

/// Reads accounts' contacts and builds role changes; needs `dynamodb:GetItem` on the identity
/// table, and `PutItem`/`UpdateItem`/`DeleteItem` only where a role is granted or revoked.
#[derive(Clone, Debug)]
pub struct IdentityClient {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

impl IdentityClient {
    pub fn new(db: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            db,
            table: table.into(),
        }
    }

    /// An account by id (read consistently, without its password hash).
    pub async fn member(&self, user_id: &str) -> anyhow::Result<Option<Member>> {
        let item: Option<Item> = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys::profile_key(user_id)))
            .projection_expression("user_id, email, display_name, #status, #roles, gsi1sk")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#roles", "roles")
            .consistent_read(true)
            .send()
            .await
            .context("reading an account's contact")?
            .item;
        item.map(crate::dynamo::from_item)
            .transpose()
            .context("decoding an account's contact")
    }

    /// The caller's own address, without a read: the access token names it, and its session was
    /// found live by the token check (disabling an account revokes its sessions). A token issued
    /// before tokens named the address falls back to [`Self::email_of`].
    pub async fn email_of_caller(&self, caller: &Caller) -> Result<String, ApiError> {
        if let Some(email) = &caller.email {
            return Ok(email.clone());
        }
        self.email_of(&caller.user_id)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("Your account is no longer active.".into()))
    }

    /// The e-mail address of an active account, if there is one.
    pub async fn email_of(&self, user_id: &str) -> anyhow::Result<Option<String>> {
        Ok(self
            .member(user_id)
            .await?
            .filter(|m| m.status == Status::Active)
            .map(|m| m.email))
    }

    /// The ids of every account holding `role` (the role index of the identity table, all
    /// pages): whom to tell when something needs the role's attention (shop staff, say).
    pub async fn holders_of(&self, role: Role) -> anyhow::Result<Vec<String>> {
        #[derive(Deserialize)]
        struct Membership {
            user_id: String,
        }
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", attr::string(role_index_pk(role)));
        let items = crate::dynamo::query_all(query, "listing the holders of a role").await?;
        let members: Vec<Membership> =
            crate::dynamo::from_items(items).context("decoding role memberships")?;
        Ok(members.into_iter().map(|m| m.user_id).collect())
    }

    /// The writes that grant `role` (profile roles, membership, audit entry), for a transaction
    /// that must grant it atomically with its own writes; the profile update is conditional
    /// on the account existing.
    pub fn grant_role_items(
        &self,
        actor: &str,
        member: &Member,
        role: Role,
        at: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let mut membership = keys::role_key(&member.user_id, role);
        membership.insert("gsi1pk".into(), attr::string(role_index_pk(role)));
        membership.insert("gsi1sk".into(), attr::string(&member.listing_position));
        membership.insert("user_id".into(), attr::string(&member.user_id));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(membership))
            .build()?;
        Ok(vec![
            self.roles_update(&member.user_id, "ADD", role, at)?,
            TransactWriteItem::builder().put(put).build(),
            self.audit_put(
                actor,
                "grant_role",
                &member.user_id,
                Some(role.as_str()),
                at,
            )?,
        ])
    }

    /// The writes that revoke `role`; the profile update is conditional on the account existing.
    pub fn revoke_role_items(
        &self,
        actor: &str,
        user_id: &str,
        role: Role,
        at: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(keys::role_key(user_id, role)))
            .build()?;
        Ok(vec![
            self.roles_update(user_id, "DELETE", role, at)?,
            TransactWriteItem::builder().delete(delete).build(),
            self.audit_put(actor, "revoke_role", user_id, Some(role.as_str()), at)?,
        ])
    }

    /// An audit entry, written in the same transaction as the change it records.
    pub fn audit_put(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        detail: Option<&str>,
        at: OffsetDateTime,
    ) -> anyhow::Result<TransactWriteItem> {
        let at = attr::timestamp(at);
        let record = AuditRecord {
            pk: AUDIT_PK.into(),
            sk: format!("{at}#{}", uuid::Uuid::now_v7()),
            at,
            actor: actor.to_owned(),
            action: action.to_owned(),
            target: target.to_owned(),
            detail: detail.map(str::to_owned),
        };
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(&record)?))
            .build()?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Whether a session item is live; used by every access-token check.
    pub async fn session_live(
        &self,
        user_id: &str,
        session_id: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<bool> {
        #[derive(Deserialize)]
        struct Session {
            #[serde(default)]
            revoked: Option<bool>,
            #[serde(default)]
            expires_at: i64,
        }
        let what = "checking the session of an access token";
        // Every authenticated request passes here: fetch the two attributes, not the item. A
        // session without `revoked` counts as revoked.
        let item = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys::session_key(user_id, session_id)))
            .projection_expression("revoked, expires_at")
            .consistent_read(true)
            .send()
            .await
            .context(what)?
            .item;
        let session: Option<Session> = item
            .map(crate::dynamo::from_item)
            .transpose()
            .context(what)?;
        Ok(session.is_some_and(|s| session_is_live(s.revoked != Some(false), s.expires_at, now)))
    }

    fn roles_update(
        &self,
        user_id: &str,
        verb: &str,
        role: Role,
        at: OffsetDateTime,
    ) -> anyhow::Result<TransactWriteItem> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(keys::profile_key(user_id)))
            .update_expression(format!("{verb} #roles :role SET updated_at = :at"))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#roles", "roles")
            .expression_attribute_values(":role", AttributeValue::Ss(vec![role.as_str().into()]))
            .expression_attribute_values(":at", attr::string(attr::timestamp(at)))
            .build()?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}

/// Whether a session is live: not revoked and not expired (TTL deletion is lazy). The one rule
/// that access-token checks and identity's refresh both apply.
pub fn session_is_live(revoked: bool, expires_at: i64, now: OffsetDateTime) -> bool {
    !revoked && expires_at > now.unix_timestamp()
}

/// The index partition listing the holders of `role`.
pub fn role_index_pk(role: Role) -> String {
    format!("ROLE#{}", role.as_str())
}
