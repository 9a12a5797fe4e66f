//! Request bodies, and their parsing into values the store trusts. Unknown fields are refused,
//! so `balance`, `escrow`, `status` or `buyer_id` can never be written by a client; every
//! problem of a body is reported at once in the 422 `errors` list.

mod rules;
#[cfg(test)]
mod tests;

use bazaar_shared::ApiError;
use bazaar_shared::error::{FieldError, field_errors, valid_or};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::WithdrawalRules;
use crate::model::SubmissionStatus;
use crate::store::{NewTask, NewWithdrawal, TaskEdit};
use bazaar_shared::rules::{plain_text, trimmed, trimmed_option};
use rules::{names_a_change, system_name};

/// Tasks are due at most this far ahead.
const MAX_LEAD_DAYS: i64 = 365;

/// `POST /nano/tasks`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TaskBody {
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "plain_text")
    )]
    pub title: String,
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 4000, message = "must be 1 to 4000 characters"),
        custom(function = "plain_text")
    )]
    pub detail: String,
    /// What a submission must hold.
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 1000, message = "must be 1 to 1000 characters"),
        custom(function = "plain_text")
    )]
    pub instructions: String,
    /// Workers wanted, 1 to 1000.
    #[validate(range(min = 1, max = 1000, message = "must be between 1 and 1000"))]
    pub required_workers: u32,
    /// Coins paid per approved submission, 1 to 10000.
    #[validate(range(min = 1, max = 10_000, message = "must be between 1 and 10000"))]
    pub coins_per_worker: u64,
    /// RFC 3339, in the future (within a year).
    pub complete_by: String,
}

impl TaskBody {
    pub fn parse(self, now: OffsetDateTime) -> Result<NewTask, ApiError> {
        let mut problems = field_errors(self.validate());
        let due = OffsetDateTime::parse(&self.complete_by, &Rfc3339).ok();
        let due = match due {
            Some(at) if at <= now => Err("must be in the future"),
            Some(at) if at > now + time::Duration::days(MAX_LEAD_DAYS) => {
                Err("must be within a year")
            }
            Some(at) => Ok(at),
            None => Err("must be an RFC 3339 date-time"),
        };
        if let Err(message) = due {
            problems.push(FieldError::new("complete_by", message));
        }
        let complete_by = due.unwrap_or(now);
        valid_or(
            problems,
            NewTask {
                title: self.title,
                detail: self.detail,
                instructions: self.instructions,
                required: self.required_workers,
                coins: self.coins_per_worker,
                complete_by,
            },
        )
    }
}

/// `PATCH /nano/tasks/{id}`: only these text fields, each optional.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "names_a_change"))]
pub struct TaskChangesBody {
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "plain_text")
    )]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(min = 1, max = 4000, message = "must be 1 to 4000 characters"),
        custom(function = "plain_text")
    )]
    pub detail: Option<String>,
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(min = 1, max = 1000, message = "must be 1 to 1000 characters"),
        custom(function = "plain_text")
    )]
    pub instructions: Option<String>,
}

impl TaskChangesBody {
    pub fn parse(self) -> Result<TaskEdit, ApiError> {
        let problems = field_errors(self.validate());
        valid_or(
            problems,
            TaskEdit {
                title: self.title,
                detail: self.detail,
                instructions: self.instructions,
            },
        )
    }
}

/// `POST /nano/tasks/{id}/submissions`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct SubmissionBody {
    /// What the task's instructions ask for (a link, a text).
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 2000, message = "must be 1 to 2000 characters"),
        custom(function = "plain_text")
    )]
    pub proof: String,
}

impl SubmissionBody {
    pub fn parse(self) -> Result<String, ApiError> {
        valid_or(field_errors(self.validate()), self.proof)
    }
}

/// `POST /nano/checkout`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutBody {
    /// The name of one of `GET /nano/coin-packages`.
    pub package: String,
}

/// `POST /nano/withdrawals`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalBody {
    /// Coins to withdraw: at least the configured minimum (200 by default).
    pub coins: u64,
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 2, max = 40, message = "must be 2 to 40 characters"),
        custom(function = "system_name")
    )]
    pub payment_system: String,
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 3, max = 80, message = "must be 3 to 80 characters"),
        custom(function = "plain_text")
    )]
    pub account: String,
}

impl WithdrawalBody {
    pub fn parse(self, rules: &WithdrawalRules) -> Result<NewWithdrawal, ApiError> {
        let mut problems = field_errors(self.validate());
        if self.coins < rules.min_coins || self.coins > 100_000_000 {
            problems.push(FieldError::new(
                "coins",
                format!(
                    "must be at least {} (and at most 100000000)",
                    rules.min_coins
                ),
            ));
        }
        valid_or(
            problems,
            NewWithdrawal {
                coins: self.coins,
                amount_cents: rules.cents_for(self.coins),
                payment_system: self.payment_system,
                account: self.account,
            },
        )
    }
}

/// `?status=&limit=&cursor=` of a task's submissions.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubmissionsQuery {
    /// Only submissions of this status.
    pub status: Option<SubmissionStatus>,
    pub limit: Option<u16>,
    pub cursor: Option<String>,
}

/// An id in a path (a task, a worker, a withdrawal): 1 to 64 letters, digits, `-` or `_`.
/// Anything else is refused (400) before it reaches a key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Id(String);

impl TryFrom<String> for Id {
    type Error = &'static str;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let fine = (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        match fine {
            true => Ok(Self(text)),
            false => Err("ids are 1 to 64 letters, digits, dashes or underscores"),
        }
    }
}

impl std::ops::Deref for Id {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
