//! Accounts: registration, look-ups by id and e-mail, and the owner's profile changes.

use anyhow::Context;
use aws_sdk_dynamodb::types::{ReturnValue, TransactWriteItem};
use bazaar_shared::auth::Role;
use bazaar_shared::dynamo::{
    TransactError, from_item, item_at, number, put_new, string, timestamp,
};
use bazaar_shared::identity::keys::{email_key, profile_key, role_key};
use bazaar_shared::identity::role_index_pk;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Purpose, Status, Store, USERS_INDEX_PK, UserRecord};

/// An unverified account lives this long before it expires and its address is free again.
const PENDING_TTL_SECS: i64 = 24 * 3600;

/// An account to create.
pub struct NewAccount {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub password_hash: String,
    pub status: Status,
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("the e-mail address is taken")]
    EmailTaken,
    /// Still losing races after the retries (the address is being registered right now).
    #[error("too much contention")]
    Busy,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Debug, Serialize, Deserialize)]
struct EmailMarker {
    user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
}

/// The position of the `register` transaction's e-mail marker: the action whose failed
/// condition means "taken".
const MARKER_ACTION: usize = 1;

impl Store {
    /// Creates an account and, for a pending one, its first verification code, in one
    /// transaction: two concurrent registrations of one address give exactly one account.
    pub async fn register(
        &self,
        account: &NewAccount,
        code_hash: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(), RegisterError> {
        let mut items = self.account_puts(account, now)?;
        if let Some(code_hash) = code_hash {
            let code = self.otp_item(&account.user_id, Purpose::Verify, code_hash, now)?;
            let put = self.put(code).build().context("registering an account")?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        match self.transact(items, "registering an account").await {
            Ok(()) => Ok(()),
            Err(error) if error.failed_at(MARKER_ACTION) => Err(RegisterError::EmailTaken),
            Err(error) if error.is_contended() => Err(RegisterError::Busy),
            Err(TransactError::Failed(error)) => Err(error.into()),
            Err(cancelled) => Err(anyhow::Error::new(cancelled)
                .context("registering an account: an id already in use")
                .into()),
        }
    }

    /// The profile (action 0), the e-mail marker ([`MARKER_ACTION`]) and the role memberships.
    fn account_puts(
        &self,
        account: &NewAccount,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let created = timestamp(now);
        let listed_at = format!("{created}#{}", account.user_id);
        let pending = (account.status == Status::PendingVerification)
            .then_some(now.unix_timestamp() + PENDING_TTL_SECS);
        let record = UserRecord {
            gsi1pk: USERS_INDEX_PK.into(),
            gsi1sk: listed_at.clone(),
            user_id: account.user_id.clone(),
            email: account.email.clone(),
            display_name: account.display_name.clone(),
            roles: account.roles.clone(),
            status: account.status,
            password_hash: account.password_hash.clone(),
            created_at: created.clone(),
            updated_at: created,
            avatar_key: None,
            expires_at: pending,
        };
        let marker = EmailMarker {
            user_id: account.user_id.clone(),
            expires_at: pending,
        };
        // The address is free, or held by an unverified account that has expired.
        let marker = self
            .put(item_at(email_key(&account.email), &marker)?)
            .condition_expression("attribute_not_exists(pk) OR expires_at < :now")
            .expression_attribute_values(":now", number(now.unix_timestamp()))
            .build()?;
        let mut items = vec![
            put_new(
                &self.table,
                item_at(profile_key(&account.user_id), &record)?,
            )?,
            TransactWriteItem::builder().put(marker).build(),
        ];
        for role in &account.roles {
            let mut item = role_key(&account.user_id, *role);
            item.insert("gsi1pk".into(), string(role_index_pk(*role)));
            item.insert("gsi1sk".into(), string(&listed_at));
            item.insert("user_id".into(), string(&account.user_id));
            if let Some(at) = pending {
                item.insert("expires_at".into(), number(at));
            }
            items.push(
                TransactWriteItem::builder()
                    .put(self.put(item).build()?)
                    .build(),
            );
        }
        Ok(items)
    }

    /// The id of the account holding `email`, unless it is an expired pending one.
    pub async fn user_id_by_email(
        &self,
        email: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Option<String>> {
        let marker: Option<EmailMarker> = self
            .get(email_key(email), "looking up an e-mail address")
            .await?;
        Ok(marker
            .filter(|m| m.expires_at.is_none_or(|at| at > now.unix_timestamp()))
            .map(|m| m.user_id))
    }

    /// A live account by id.
    pub async fn user(
        &self,
        user_id: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Option<UserRecord>> {
        let user: Option<UserRecord> = self.get(profile_key(user_id), "reading an account").await?;
        Ok(user.filter(|u| u.is_live(now)))
    }

    /// A live account by e-mail address.
    pub async fn user_by_email(
        &self,
        email: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Option<UserRecord>> {
        match self.user_id_by_email(email, now).await? {
            Some(id) => self.user(&id, now).await,
            None => Ok(None),
        }
    }

    pub async fn update_display_name(
        &self,
        user_id: &str,
        display_name: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<UserRecord> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(profile_key(user_id)))
            .update_expression("SET display_name = :name, updated_at = :at")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":name", string(display_name))
            .expression_attribute_values(":at", string(timestamp(now)))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .context("updating a profile")?;
        Ok(from_item(out.attributes.unwrap_or_default())?)
    }

    /// Points the profile at a new picture; returns the previous picture's key.
    pub async fn set_avatar(
        &self,
        user_id: &str,
        key: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Option<String>> {
        #[derive(Deserialize)]
        struct Previous {
            avatar_key: Option<String>,
        }
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(profile_key(user_id)))
            .update_expression("SET avatar_key = :key, updated_at = :at")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":key", string(key))
            .expression_attribute_values(":at", string(timestamp(now)))
            .return_values(ReturnValue::UpdatedOld)
            .send()
            .await
            .context("setting a profile picture")?;
        let previous: Option<Previous> = out.attributes.map(from_item).transpose()?;
        Ok(previous.and_then(|p| p.avatar_key))
    }
}
