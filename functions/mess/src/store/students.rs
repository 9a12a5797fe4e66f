//! Students: their mess, their PIN hash, and the window that limits wrong PINs.
//!
//! A PIN check first RESERVES an attempt with one conditional update (at most
//! [`MAX_ATTEMPTS`] in a fixed [`WINDOW_SECS`] window); only then is argon2 run, and a right PIN
//! gives its attempt back. So N guesses sent at once get at most `MAX_ATTEMPTS` checks.

use anyhow::Context;
use bazaar_shared::dynamo::{Item, get_item, is_condition_failed, number, string};
use time::OffsetDateTime;

use super::{MessStore, PageOf, student_key, students_pk};
use crate::model::{MemberRecord, StudentRecord};

/// Wrong PINs allowed per window.
pub const MAX_ATTEMPTS: u32 = 5;
/// The attempt window, in seconds (fixed windows: `floor(now / WINDOW_SECS)`).
pub const WINDOW_SECS: i64 = 15 * 60;

/// A reserved PIN check, or how long to wait for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Reserved { window: i64 },
    Locked { retry_after_secs: u64 },
}

impl MessStore {
    pub async fn student(&self, user_id: &str) -> anyhow::Result<Option<StudentRecord>> {
        get_item(
            &self.db,
            &self.table,
            student_key(user_id),
            "reading a student",
        )
        .await
    }

    /// Stores the student's PIN hash (the student item is made if need be).
    pub async fn set_pin(&self, user_id: &str, hash: &str) -> anyhow::Result<()> {
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(student_key(user_id)))
            .update_expression("SET user_id = :user, pin_hash = :hash")
            .expression_attribute_values(":user", string(user_id))
            .expression_attribute_values(":hash", string(hash))
            .send()
            .await
            .context("storing a PIN")?;
        Ok(())
    }

    /// Reserves one PIN check in the current window, or says how long the student must wait.
    /// `seen_window` is the window the student record showed (read just before): it picks the
    /// update that most likely succeeds first, counting in that window or opening a new one;
    /// the conditions alone decide.
    pub async fn reserve_attempt(
        &self,
        user_id: &str,
        seen_window: Option<i64>,
        now: OffsetDateTime,
    ) -> anyhow::Result<Attempt> {
        let window = now.unix_timestamp().div_euclid(WINDOW_SECS);
        let open_first = seen_window != Some(window);
        // Two rounds: a concurrent request may open the window between ours.
        for _ in 0..2 {
            for open in [open_first, !open_first] {
                if self.try_reserve(user_id, window, open).await? {
                    return Ok(Attempt::Reserved { window });
                }
            }
        }
        let retry_after_secs = ((window + 1) * WINDOW_SECS - now.unix_timestamp()).max(1);
        Ok(Attempt::Locked {
            retry_after_secs: retry_after_secs.unsigned_abs(),
        })
    }

    /// Gives back a reserved attempt after a right PIN (nothing if the window has moved on).
    pub async fn release_attempt(&self, user_id: &str, window: i64) -> anyhow::Result<()> {
        let released = self
            .attempt_update(user_id, window)
            .update_expression("SET pin_attempts = pin_attempts - :one")
            .condition_expression("pin_window = :window AND pin_attempts > :zero")
            .expression_attribute_values(":zero", number(0))
            .send()
            .await;
        match released {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failed(&e) => Ok(()),
            Err(e) => Err(anyhow::Error::from(e).context("releasing a PIN attempt")),
        }
    }

    /// One conditional update: opens `window` with this attempt (if no later window is open),
    /// or counts this attempt in it (if it is open and not used up); false when its condition
    /// failed.
    async fn try_reserve(&self, user_id: &str, window: i64, open: bool) -> anyhow::Result<bool> {
        let update = self.attempt_update(user_id, window);
        let (update, what) = if open {
            let update = update
                .update_expression("SET pin_window = :window, pin_attempts = :one")
                .condition_expression("attribute_not_exists(pin_window) OR pin_window < :window");
            (update, "opening a PIN window")
        } else {
            let update = update
                .update_expression("SET pin_attempts = pin_attempts + :one")
                .condition_expression("pin_window = :window AND pin_attempts < :max")
                .expression_attribute_values(":max", number(MAX_ATTEMPTS));
            (update, "counting a PIN attempt")
        };
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(anyhow::Error::from(e).context(what)),
        }
    }

    fn attempt_update(
        &self,
        user_id: &str,
        window: i64,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(student_key(user_id)))
            .expression_attribute_values(":window", number(window))
            .expression_attribute_values(":one", number(1))
    }

    /// A page of a mess's students, in order of user id.
    pub async fn members(
        &self,
        mess_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<MemberRecord>, Option<Item>)> {
        let pk = students_pk(mess_id);
        let of = PageOf {
            pk: &pk,
            prefix: "USER#",
            newest_first: false,
        };
        self.page(of, limit, start).await
    }
}
