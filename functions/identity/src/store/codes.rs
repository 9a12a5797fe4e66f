//! One-time codes mailed for e-mail verification and password resets: stored hashed, counted
//! per attempt, used once.

use anyhow::Context;
use aws_sdk_dynamodb::types::{Delete, ReturnValue, TransactWriteItem};
use bazaar_shared::dynamo::{
    Item, from_item, is_condition_failed, item_at, number, string, timestamp,
};
use bazaar_shared::identity::keys::{email_key, profile_key, role_key};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Purpose, Status, Store, UserRecord, WriteError, otp_key, status_value};

/// A code expires after 10 minutes, allows 5 wrong tries, and can be re-sent after 60 s.
pub const OTP_TTL_SECS: i64 = 10 * 60;
const OTP_MAX_ATTEMPTS: i64 = 5;
const OTP_RESEND_COOLDOWN_SECS: i64 = 60;

/// A pending code.
#[derive(Debug, Serialize, Deserialize)]
pub struct OtpRecord {
    pub code_hash: String,
    pub attempts: i64,
    pub sent_at: i64,
    pub expires_at: i64,
}

impl Store {
    pub(super) fn otp_item(
        &self,
        user_id: &str,
        purpose: Purpose,
        code_hash: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Item> {
        let now = now.unix_timestamp();
        let record = OtpRecord {
            code_hash: code_hash.to_owned(),
            attempts: 0,
            sent_at: now,
            expires_at: now + OTP_TTL_SECS,
        };
        item_at(otp_key(user_id, purpose), &record)
    }

    /// Stores a new code; [`WriteError::Refused`] while the last one is under a minute old.
    pub async fn put_otp(
        &self,
        user_id: &str,
        purpose: Purpose,
        code_hash: &str,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let cooldown = now.unix_timestamp() - OTP_RESEND_COOLDOWN_SECS;
        let put = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(self.otp_item(user_id, purpose, code_hash, now)?))
            .condition_expression("attribute_not_exists(pk) OR sent_at < :cooldown")
            .expression_attribute_values(":cooldown", number(cooldown))
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failed(&e) => Err(WriteError::Refused),
            Err(e) => Err(anyhow::Error::new(e)
                .context("storing a one-time code")
                .into()),
        }
    }

    /// Counts one attempt at a code, atomically, and returns the code record, or `None` when
    /// there is no live code or its attempts are used up (the 6th try fails even if right).
    pub async fn attempt_otp(
        &self,
        user_id: &str,
        purpose: Purpose,
        now: OffsetDateTime,
    ) -> anyhow::Result<Option<OtpRecord>> {
        let update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(otp_key(user_id, purpose)))
            .update_expression("SET attempts = attempts + :one")
            .condition_expression("attribute_exists(pk) AND attempts < :max AND expires_at > :now")
            .expression_attribute_values(":one", number(1))
            .expression_attribute_values(":max", number(OTP_MAX_ATTEMPTS))
            .expression_attribute_values(":now", number(now.unix_timestamp()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match update {
            Ok(out) => Ok(Some(from_item(out.attributes.unwrap_or_default())?)),
            Err(e) if is_condition_failed(&e) => Ok(None),
            Err(e) => Err(e).context("counting a code attempt"),
        }
    }

    /// Deletes the code, on condition that it is the one presented: a code works once.
    pub(super) fn consume_otp(
        &self,
        user_id: &str,
        purpose: Purpose,
        code_hash: &str,
    ) -> anyhow::Result<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(otp_key(user_id, purpose)))
            .condition_expression("code_hash = :hash")
            .expression_attribute_values(":hash", string(code_hash))
            .build()?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// Uses the verification code and activates the account, once; [`WriteError::Refused`]
    /// when the code was used meanwhile or the account is no longer pending.
    pub async fn activate(
        &self,
        user: &UserRecord,
        code_hash: &str,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let profile = self
            .update(profile_key(&user.user_id))
            .update_expression("SET #status = :active, updated_at = :at REMOVE expires_at")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":active", status_value(Status::Active)?)
            .expression_attribute_values(":pending", status_value(Status::PendingVerification)?)
            .expression_attribute_values(":at", string(timestamp(now)))
            .build()
            .context("activating an account")?;
        let marker = self
            .update(email_key(&user.email))
            .update_expression("REMOVE expires_at")
            .condition_expression("user_id = :id")
            .expression_attribute_values(":id", string(&user.user_id))
            .build()
            .context("activating an account")?;
        let mut items = vec![
            self.consume_otp(&user.user_id, Purpose::Verify, code_hash)?,
            TransactWriteItem::builder().update(profile).build(),
            TransactWriteItem::builder().update(marker).build(),
        ];
        for role in &user.roles {
            let membership = self
                .update(role_key(&user.user_id, *role))
                .update_expression("REMOVE expires_at")
                .build()
                .context("activating an account")?;
            items.push(TransactWriteItem::builder().update(membership).build());
        }
        Ok(self.transact(items, "activating an account").await?)
    }
}
