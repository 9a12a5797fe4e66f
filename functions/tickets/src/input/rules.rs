//! The rules of request fields: `validator` custom checks, trimming, start times, and the
//! translation of `validator`'s errors into the 422 problem's `errors`.

use bazaar_shared::rules::rule;
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

pub(super) fn names_a_change(body: &EventChangesBody) -> Result<(), ValidationError> {
    let empty = body.title.is_none()
        && body.description.is_none()
        && body.venue.is_none()
        && body.starts_at.is_none()
        && body.capacity.is_none()
        && body.price_minor.is_none();
    match empty {
        true => Err(rule("name at least one field to change")),
        false => Ok(()),
    }
}
