//! Failed logins, counted per address (known or not), and the lock they earn.

use anyhow::Context;
use aws_sdk_dynamodb::types::ReturnValue;
use bazaar_shared::dynamo::{from_item, number};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{Store, login_key};

/// Five wrong passwords lock the address for a minute, doubling with each further failure
/// up to an hour.
const LOGIN_FREE_FAILURES: i64 = 5;
const LOGIN_MAX_LOCK_SECS: i64 = 3600;
/// The counter is forgotten a day after the last failure.
const FAILURES_KEPT_SECS: i64 = 24 * 3600;

#[derive(Debug, Deserialize)]
struct LoginFailures {
    #[serde(default)]
    locked_until: Option<i64>,
    #[serde(default)]
    count: i64,
}

/// How long `count` failures lock an address, if they do.
fn lock_secs(count: i64) -> Option<i64> {
    let over = count - LOGIN_FREE_FAILURES;
    (over >= 0).then(|| (60_i64 << over.min(6)).min(LOGIN_MAX_LOCK_SECS))
}

impl Store {
    /// Seconds until the address may try again, when it is locked.
    pub async fn login_locked_for(
        &self,
        email: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Option<i64>> {
        let failures: Option<LoginFailures> =
            self.get(login_key(email), "reading failed logins").await?;
        let now = now.unix_timestamp();
        Ok(failures
            .and_then(|f| f.locked_until)
            .filter(|until| *until > now)
            .map(|until| until - now))
    }

    /// Counts a failed login for an address (known or not, so the answer never tells which),
    /// and locks it once the free failures are used up.
    pub async fn record_login_failure(
        &self,
        email: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let now = now.unix_timestamp();
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(login_key(email)))
            .update_expression("ADD #count :one SET expires_at = :expires")
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":one", number(1))
            .expression_attribute_values(":expires", number(now + FAILURES_KEPT_SECS))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .context("counting a failed login")?;
        let failures: LoginFailures = from_item(out.attributes.unwrap_or_default())?;
        if let Some(lock) = lock_secs(failures.count) {
            self.db
                .update_item()
                .table_name(&self.table)
                .set_key(Some(login_key(email)))
                .update_expression("SET locked_until = :until")
                .expression_attribute_values(":until", number(now + lock))
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_are_free_then_the_lock_doubles_up_to_an_hour() {
        assert_eq!(lock_secs(4), None);
        assert_eq!(lock_secs(5), Some(60));
        assert_eq!(lock_secs(6), Some(120));
        assert_eq!(lock_secs(10), Some(1920));
        assert_eq!(lock_secs(11), Some(3600));
        assert_eq!(lock_secs(40), Some(3600));
    }
}
