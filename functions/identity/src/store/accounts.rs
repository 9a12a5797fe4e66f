//! Accounts: registration, e-mail lookup, one-time codes, passwords, failed logins, profile.

use anyhow::Context;
use aws_sdk_dynamodb::types::{
    Delete, Put, ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use bazaar_shared::auth::Role;
use bazaar_shared::dynamo::{cancellation_reasons, from_item, is_condition_failed, to_item};
use serde::{Deserialize, Serialize};

use super::{
    Item, Purpose, Status, Store, UserRecord, email_key, login_key, n, now, otp_key, profile_key,
    role_key, s, timestamp, user_pk,
};

/// An unverified account lives this long before it expires and its address is free again.
pub const PENDING_TTL_SECS: i64 = 24 * 3600;
/// A code expires after 10 minutes, allows 5 wrong tries, and can be re-sent after 60 s.
pub const OTP_TTL_SECS: i64 = 10 * 60;
pub const OTP_MAX_ATTEMPTS: i64 = 5;
pub const OTP_RESEND_COOLDOWN_SECS: i64 = 60;
/// Five wrong passwords lock the address for a minute, doubling with each further failure
/// up to an hour.
pub const LOGIN_FREE_FAILURES: i64 = 5;
const LOGIN_MAX_LOCK_SECS: i64 = 3600;

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
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Debug, Serialize, Deserialize)]
struct EmailMarker {
    pk: String,
    sk: String,
    user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OtpRecord {
    pk: String,
    sk: String,
    pub code_hash: String,
    pub attempts: i64,
    pub sent_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Deserialize)]
struct LoginFailures {
    #[serde(default)]
    locked_until: Option<i64>,
    #[serde(default)]
    count: i64,
}

impl Store {
    fn put(&self, item: Item) -> Put {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .expect("table and item are set")
    }

    fn account_puts(&self, account: &NewAccount) -> anyhow::Result<Vec<TransactWriteItem>> {
        let now = now();
        let created = timestamp();
        let pending =
            (account.status == Status::PendingVerification).then_some(now + PENDING_TTL_SECS);
        let record = UserRecord {
            pk: user_pk(&account.user_id),
            sk: "PROFILE".into(),
            gsi1pk: "USERS".into(),
            gsi1sk: format!("{created}#{}", account.user_id),
            user_id: account.user_id.clone(),
            email: account.email.clone(),
            display_name: account.display_name.clone(),
            roles: account.roles.clone(),
            status: account.status,
            password_hash: account.password_hash.clone(),
            created_at: created.clone(),
            updated_at: created.clone(),
            avatar_key: None,
            expires_at: pending,
        };
        let marker = EmailMarker {
            pk: format!("EMAIL#{}", account.email),
            sk: "EMAIL".into(),
            user_id: account.user_id.clone(),
            expires_at: pending,
        };
        let mut items = vec![
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(to_item(&record)?))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()?,
                )
                .build(),
            // The address is free, or held by an unverified account that has expired.
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(to_item(&marker)?))
                        .condition_expression("attribute_not_exists(pk) OR expires_at < :now")
                        .expression_attribute_values(":now", n(now))
                        .build()?,
                )
                .build(),
        ];
        for role in &account.roles {
            let mut item = role_key(&account.user_id, *role);
            item.insert("gsi1pk".into(), s(format!("ROLE#{}", role.as_str())));
            item.insert("gsi1sk".into(), s(format!("{created}#{}", account.user_id)));
            item.insert("user_id".into(), s(&account.user_id));
            if let Some(at) = pending {
                item.insert("expires_at".into(), n(at));
            }
            items.push(TransactWriteItem::builder().put(self.put(item)).build());
        }
        Ok(items)
    }

    /// Creates an account and, for a pending one, its first verification code, in one
    /// transaction: two concurrent registrations of one address give exactly one account.
    pub async fn register(
        &self,
        account: &NewAccount,
        code_hash: Option<&str>,
    ) -> Result<(), RegisterError> {
        let mut items = self.account_puts(account)?;
        if let Some(code_hash) = code_hash {
            items.push(
                TransactWriteItem::builder()
                    .put(self.put(self.otp_item(&account.user_id, Purpose::Verify, code_hash)))
                    .build(),
            );
        }
        match self
            .db
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(error) => match cancellation_reasons(&error) {
                Some(reasons)
                    if reasons
                        .get(1)
                        .is_some_and(|r| r.as_deref() == Some("ConditionalCheckFailed")) =>
                {
                    Err(RegisterError::EmailTaken)
                }
                Some(reasons)
                    if reasons
                        .iter()
                        .any(|r| r.as_deref() == Some("TransactionConflict")) =>
                {
                    // Another registration of the same address is in flight: it wins.
                    Err(RegisterError::EmailTaken)
                }
                _ => Err(anyhow::Error::from(error)
                    .context("registering an account")
                    .into()),
            },
        }
    }

    /// The id of the account holding `email`, unless it is an expired pending one.
    pub async fn user_id_by_email(&self, email: &str) -> anyhow::Result<Option<String>> {
        let marker: Option<EmailMarker> = self
            .get(email_key(email), "looking up an e-mail address")
            .await?;
        Ok(marker
            .filter(|m| m.expires_at.is_none_or(|at| at > now()))
            .map(|m| m.user_id))
    }

    pub async fn user(&self, user_id: &str) -> anyhow::Result<Option<UserRecord>> {
        let user: Option<UserRecord> = self.get(profile_key(user_id), "reading an account").await?;
        Ok(user.filter(|u| u.expires_at.is_none_or(|at| at > now())))
    }

    pub async fn user_by_email(&self, email: &str) -> anyhow::Result<Option<UserRecord>> {
        match self.user_id_by_email(email).await? {
            Some(id) => self.user(&id).await,
            None => Ok(None),
        }
    }

    fn otp_item(&self, user_id: &str, purpose: Purpose, code_hash: &str) -> Item {
        let now = now();
        let key = otp_key(user_id, purpose);
        to_item(OtpRecord {
            pk: key["pk"].as_s().expect("string key").clone(),
            sk: key["sk"].as_s().expect("string key").clone(),
            code_hash: code_hash.to_owned(),
            attempts: 0,
            sent_at: now,
            expires_at: now + OTP_TTL_SECS,
        })
        .expect("an OTP record serialises")
    }

    /// Stores a new code unless one was sent less than a minute ago. True when stored.
    pub async fn put_otp(
        &self,
        user_id: &str,
        purpose: Purpose,
        code_hash: &str,
    ) -> anyhow::Result<bool> {
        let put = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.otp_item(user_id, purpose, code_hash)))
            .condition_expression("attribute_not_exists(pk) OR sent_at < :cooldown")
            .expression_attribute_values(":cooldown", n(now() - OTP_RESEND_COOLDOWN_SECS))
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(e).context("storing a one-time code"),
        }
    }

    /// Counts one attempt at a code, atomically, and returns the code record, or `None` when
    /// there is no live code or its attempts are used up (the 6th try fails even if right).
    pub async fn attempt_otp(
        &self,
        user_id: &str,
        purpose: Purpose,
    ) -> anyhow::Result<Option<OtpRecord>> {
        let update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(otp_key(user_id, purpose)))
            .update_expression("SET attempts = attempts + :one")
            .condition_expression("attribute_exists(pk) AND attempts < :max AND expires_at > :now")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(OTP_MAX_ATTEMPTS))
            .expression_attribute_values(":now", n(now()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match update {
            Ok(out) => Ok(Some(from_item(out.attributes.unwrap_or_default())?)),
            Err(e) if is_condition_failed(&e) => Ok(None),
            Err(e) => Err(e).context("counting a code attempt"),
        }
    }

    fn consume_otp(
        &self,
        user_id: &str,
        purpose: Purpose,
        code_hash: &str,
    ) -> anyhow::Result<TransactWriteItem> {
        Ok(TransactWriteItem::builder()
            .delete(
                Delete::builder()
                    .table_name(&self.table)
                    .set_key(Some(otp_key(user_id, purpose)))
                    .condition_expression("code_hash = :hash")
                    .expression_attribute_values(":hash", s(code_hash))
                    .build()?,
            )
            .build())
    }

    /// Uses the verification code and activates the account, once.
    pub async fn activate(&self, user: &UserRecord, code_hash: &str) -> anyhow::Result<bool> {
        let mut items = vec![
            self.consume_otp(&user.user_id, Purpose::Verify, code_hash)?,
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&self.table)
                        .set_key(Some(profile_key(&user.user_id)))
                        .update_expression(
                            "SET #status = :active, updated_at = :at REMOVE expires_at",
                        )
                        .condition_expression("#status = :pending")
                        .expression_attribute_names("#status", "status")
                        .expression_attribute_values(":active", s("active"))
                        .expression_attribute_values(":pending", s("pending_verification"))
                        .expression_attribute_values(":at", s(timestamp()))
                        .build()?,
                )
                .build(),
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&self.table)
                        .set_key(Some(email_key(&user.email)))
                        .update_expression("REMOVE expires_at")
                        .condition_expression("user_id = :id")
                        .expression_attribute_values(":id", s(&user.user_id))
                        .build()?,
                )
                .build(),
        ];
        for role in &user.roles {
            items.push(
                TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(&self.table)
                            .set_key(Some(role_key(&user.user_id, *role)))
                            .update_expression("REMOVE expires_at")
                            .build()?,
                    )
                    .build(),
            );
        }
        self.transact(items, "activating an account").await
    }

    /// Uses the reset code and sets the new password hash, once.
    pub async fn reset_password(
        &self,
        user_id: &str,
        code_hash: &str,
        password_hash: &str,
    ) -> anyhow::Result<bool> {
        let items = vec![
            self.consume_otp(user_id, Purpose::Reset, code_hash)?,
            TransactWriteItem::builder()
                .update(self.password_update(user_id, password_hash)?)
                .build(),
        ];
        self.transact(items, "resetting a password").await
    }

    fn password_update(&self, user_id: &str, password_hash: &str) -> anyhow::Result<Update> {
        Ok(Update::builder()
            .table_name(&self.table)
            .set_key(Some(profile_key(user_id)))
            .update_expression("SET password_hash = :hash, updated_at = :at")
            .condition_expression("#status = :active")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":hash", s(password_hash))
            .expression_attribute_values(":active", s("active"))
            .expression_attribute_values(":at", s(timestamp()))
            .build()?)
    }

    pub async fn set_password(&self, user_id: &str, password_hash: &str) -> anyhow::Result<()> {
        let update = TransactWriteItem::builder()
            .update(self.password_update(user_id, password_hash)?)
            .build();
        self.db
            .transact_write_items()
            .transact_items(update)
            .send()
            .await
            .context("changing a password")?;
        Ok(())
    }

    /// Seconds until the address may try again, when it is locked.
    pub async fn login_locked_for(&self, email: &str) -> anyhow::Result<Option<i64>> {
        let failures: Option<LoginFailures> =
            self.get(login_key(email), "reading failed logins").await?;
        let now = now();
        Ok(failures
            .and_then(|f| f.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now))
    }

    /// Counts a failed login for an address (known or not, so the answer never tells which),
    /// and locks it once the free failures are used up.
    pub async fn record_login_failure(&self, email: &str) -> anyhow::Result<()> {
        let now = now();
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(login_key(email)))
            .update_expression("ADD #count :one SET expires_at = :expires")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":expires", n(now + 24 * 3600))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .context("counting a failed login")?;
        let failures: LoginFailures = from_item(out.attributes.unwrap_or_default())?;
        let over = failures.count - LOGIN_FREE_FAILURES;
        if over >= 0 {
            let lock = (60_i64 << over.min(6)).min(LOGIN_MAX_LOCK_SECS);
            self.db
                .update_item()
                .table_name(&self.table)
                .set_key(Some(login_key(email)))
                .update_expression("SET locked_until = :until")
                .expression_attribute_values(":until", n(now + lock))
                .send()
                .await
                .context("locking an address")?;
        }
        Ok(())
    }

    pub async fn clear_login_failures(&self, email: &str) -> anyhow::Result<()> {
        self.db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(login_key(email)))
            .send()
            .await
            .context("clearing failed logins")?;
        Ok(())
    }

    pub async fn update_display_name(
        &self,
        user_id: &str,
        display_name: &str,
    ) -> anyhow::Result<UserRecord> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(profile_key(user_id)))
            .update_expression("SET display_name = :name, updated_at = :at")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":name", s(display_name))
            .expression_attribute_values(":at", s(timestamp()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .context("updating a profile")?;
        Ok(from_item(out.attributes.unwrap_or_default())?)
    }

    /// Points the profile at a new picture; returns the previous picture's key.
    pub async fn set_avatar(&self, user_id: &str, key: &str) -> anyhow::Result<Option<String>> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(profile_key(user_id)))
            .update_expression("SET avatar_key = :key, updated_at = :at")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":key", s(key))
            .expression_attribute_values(":at", s(timestamp()))
            .return_values(ReturnValue::UpdatedOld)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::None)
            .send()
            .await
            .context("setting a profile picture")?;
        Ok(out
            .attributes
            .and_then(|a| a.get("avatar_key").and_then(|v| v.as_s().ok()).cloned()))
    }
}
