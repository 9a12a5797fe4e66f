//! The rules of request fields: `validator` custom checks, trimming, start times, and the
//! translation of `validator`'s errors into the 422 problem's `errors`.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use time::OffsetDateTime;
use validator::ValidationError;

use super::EventChangesBody;
use crate::model::StartTime;

/// Events are planned at most this far ahead.
const MAX_LEAD_DAYS: i64 = 3 * 365;

/// A start time for an event: in the future and not absurdly far.
pub(super) fn future_start(text: &str, now: OffsetDateTime) -> Result<StartTime, &'static str> {
    let at = StartTime::parse(text).ok_or("must be an RFC 3339 date-time")?;
    if at.time() <= now {
        return Err("must be in the future");
    }
    if at.time() > now + time::Duration::days(MAX_LEAD_DAYS) {
        return Err("must be within three years");
    }
    Ok(at)
}

fn problem(message: &'static str) -> ValidationError {
    ValidationError::new("invalid").with_message(Cow::Borrowed(message))
}

/// Text shown to others: no control characters but line breaks.
pub(super) fn plain_text(value: &str) -> Result<(), ValidationError> {
    match value.chars().any(|c| c.is_control() && c != '\n') {
        true => Err(problem("must not hold control characters")),
        false => Ok(()),
    }
}

pub(super) fn currency_code(value: &str) -> Result<(), ValidationError> {
    match value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        true => Ok(()),
        false => Err(problem("must be an ISO 4217 code such as EUR")),
    }
}

pub(super) fn names_a_change(body: &EventChangesBody) -> Result<(), ValidationError> {
    let empty = body.title.is_none()
        && body.description.is_none()
        && body.venue.is_none()
        && body.starts_at.is_none()
        && body.capacity.is_none()
        && body.price_minor.is_none();
    match empty {
        true => Err(problem("name at least one field to change")),
        false => Ok(()),
    }
}

/// Texts are kept without surrounding white space, and their limits apply to what is kept.
pub(super) fn trimmed<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer).map(|text| text.trim().to_owned())
}

pub(super) fn trimmed_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(deserializer).map(|text| text.map(|t| t.trim().to_owned()))
}
