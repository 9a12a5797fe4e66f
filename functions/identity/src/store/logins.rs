//! Failed logins, counted per address (known or not), and the lock they earn.

use anyhow::Context;
use bazaar_shared::dynamo::{is_condition_failed, number};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{Store, login_key};

/// Five wrong passwords lock the address for a minute, doubling with each further failure
/// up to an hour. An attempt is counted when it is reserved, before its check.
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

/// Whether a sign-in attempt may check its password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginGate {
    /// The attempt is counted (reserved): check the password.
    Check,
    /// The address is locked for this many more seconds: do not check anything.
    Locked(i64),
}

/// Rounds of losing the reservation race to parallel attempts before answering "locked".
const RESERVE_TRIES: u32 = 8;

impl Store {
    /// Reserves one password check for `email` (known or not, so the answer never tells which)
    /// BEFORE the expensive check: one conditional write of the next count, and of the lock
    /// that count earns should this attempt fail, on condition that nobody reserved in
    /// between. Parallel guesses therefore get at most the free checks, whatever their number;
    /// a successful sign-in clears the record (and with it the lock set in advance).
    pub async fn reserve_login_attempt(
        &self,
        email: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<LoginGate> {
        let now = now.unix_timestamp();
        for _ in 0..RESERVE_TRIES {
            let seen: Option<LoginFailures> =
                self.get(login_key(email), "reading failed logins").await?;
            if let Some(until) = seen.as_ref().and_then(|f| f.locked_until)
                && until > now
            {
                return Ok(LoginGate::Locked(until - now));
            }
            let count = seen.as_ref().map_or(0, |f| f.count);
            if self.take_attempt(email, seen.is_some(), count, now).await? {
                return Ok(LoginGate::Check);
            }
        }
        // Others keep reserving this address at the same instant: that is a burst, not a person.
        Ok(LoginGate::Locked(1))
    }

    /// Writes count `count + 1` (and its lock) if the record still holds `count`.
    async fn take_attempt(
        &self,
        email: &str,
        exists: bool,
        count: i64,
        now: i64,
    ) -> anyhow::Result<bool> {
        let next = count + 1;
        let mut update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(login_key(email)))
            .expression_attribute_values(":next", number(next))
            .expression_attribute_values(":expires", number(now + FAILURES_KEPT_SECS));
        update = match exists {
            true => update
                .condition_expression("#count = :seen")
                .expression_attribute_names("#count", "count")
                .expression_attribute_values(":seen", number(count)),
            false => update
                .condition_expression("attribute_not_exists(pk)")
                .expression_attribute_names("#count", "count"),
        };
        update = match lock_secs(next) {
            Some(lock) => update
                .update_expression(
                    "SET #count = :next, expires_at = :expires, locked_until = :until",
                )
                .expression_attribute_values(":until", number(now + lock)),
            None => update.update_expression("SET #count = :next, expires_at = :expires"),
        };
        match update.send().await {
            Ok(_) => Ok(true),
            Err(error) if is_condition_failed(&error) => Ok(false),
            Err(error) => Err(error).context("reserving a sign-in attempt"),
        }
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
