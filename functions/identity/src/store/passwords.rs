//! Password changes: with a mailed reset code, or by the signed-in owner.

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use bazaar_shared::dynamo::{string, timestamp};
use bazaar_shared::identity::keys::profile_key;
use time::OffsetDateTime;

use super::{Purpose, Status, Store, WriteError, status_value};

impl Store {
    /// Uses the reset code and sets the new password hash, once; [`WriteError::Refused`] when
    /// the code was used meanwhile or the account is not active.
    pub async fn reset_password(
        &self,
        user_id: &str,
        code_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let items = vec![
            self.consume_otp(user_id, Purpose::Reset, code_hash)?,
            TransactWriteItem::builder()
                .update(self.password_update(user_id, password_hash, now)?)
                .build(),
        ];
        Ok(self.transact(items, "resetting a password").await?)
    }

    /// Sets a new password hash; [`WriteError::Refused`] when the account is not active.
    pub async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<(), WriteError> {
        let update = TransactWriteItem::builder()
            .update(self.password_update(user_id, password_hash, now)?)
            .build();
        Ok(self.transact(vec![update], "changing a password").await?)
    }

    fn password_update(
        &self,
        user_id: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Update> {
        Ok(self
            .update(profile_key(user_id))
            .update_expression("SET password_hash = :hash, updated_at = :at")
            .condition_expression("#status = :active")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":hash", string(password_hash))
            .expression_attribute_values(":active", status_value(Status::Active)?)
            .expression_attribute_values(":at", string(timestamp(now)))
            .build()?)
    }
}
