//! Request bodies, and their parsing into values that are valid by construction. Unknown
//! fields are refused, so `available`, `organizer_id` or `status` can never be written by a
//! client.

use bazaar_shared::ApiError;
use bazaar_shared::error::FieldError;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

pub const MAX_SEATS_PER_BOOKING: u32 = 10;
const MAX_CAPACITY: u32 = 100_000;
const MAX_PRICE_MINOR: u64 = 100_000_000;
/// Events are planned at most this far ahead.
const MAX_LEAD_DAYS: i64 = 3 * 365;

/// A point in time as stored: UTC, whole seconds, so its RFC 3339 text sorts like the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartTime(OffsetDateTime);

impl StartTime {
    pub fn parse_any(text: &str) -> Option<Self> {
        let at = OffsetDateTime::parse(text, &Rfc3339).ok()?;
        Some(Self(
            at.to_offset(time::UtcOffset::UTC)
                .replace_nanosecond(0)
                .ok()?,
        ))
    }

    /// A start time for an event: in the future and not absurdly far.
    fn parse_future(text: &str, now: OffsetDateTime) -> Result<Self, &'static str> {
        let at = Self::parse_any(text).ok_or("must be an RFC 3339 date-time")?;
        if at.0 <= now {
            return Err("must be in the future");
        }
        if at.0 > now + time::Duration::days(MAX_LEAD_DAYS) {
            return Err("must be within three years");
        }
        Ok(at)
    }

    pub fn at(self) -> OffsetDateTime {
        self.0
    }

    pub fn unix(self) -> i64 {
        self.0.unix_timestamp()
    }

    pub fn text(self) -> String {
        self.0.format(&Rfc3339).expect("UTC times format")
    }
}

/// `POST /events`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEventBody {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub venue: String,
    /// RFC 3339; must be in the future.
    pub starts_at: String,
    pub capacity: u32,
    /// Price of one seat in minor units (cents); 0 for a free event.
    pub price_minor: u64,
    /// ISO 4217, e.g. `EUR`. Fixed once the event exists.
    pub currency: String,
    #[serde(default)]
    pub published: bool,
}

/// `PATCH /events/{id}`: only these fields, each optional. `capacity` may grow, or shrink down
/// to the seats already sold; seats available follow it and are never set directly.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventChangesBody {
    pub title: Option<String>,
    pub description: Option<String>,
    pub venue: Option<String>,
    pub starts_at: Option<String>,
    pub capacity: Option<u32>,
    pub price_minor: Option<u64>,
}

/// `POST /events/{id}/bookings`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookBody {
    /// 1 to 10.
    pub seats: u32,
}

/// A validated new event.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub title: String,
    pub description: String,
    pub venue: String,
    pub starts_at: StartTime,
    pub capacity: u32,
    pub price_minor: u64,
    pub currency: String,
    pub published: bool,
}

/// Validated changes.
#[derive(Debug, Clone, Default)]
pub struct EventChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub venue: Option<String>,
    pub starts_at: Option<StartTime>,
    pub capacity: Option<u32>,
    pub price_minor: Option<u64>,
}

impl EventChanges {
    /// Whether bookers must be told: the time or the place changed.
    pub fn concerns_bookers(&self) -> bool {
        self.starts_at.is_some() || self.venue.is_some()
    }
}

/// Collects every field problem of a body, so the caller learns them all at once.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        let value = value.trim();
        let chars = value.chars().count();
        if chars < min || chars > max {
            let message = if min == 0 {
                format!("must be at most {max} characters")
            } else {
                format!("must be {min} to {max} characters")
            };
            self.0.push(FieldError::new(field, message));
        } else if value.chars().any(|c| c.is_control() && c != '\n') {
            self.0
                .push(FieldError::new(field, "must not hold control characters"));
        }
        value.to_owned()
    }

    fn check(&mut self, field: &str, ok: bool, message: &str) {
        if !ok {
            self.0.push(FieldError::new(field, message));
        }
    }

    fn finish<T>(self, value: T) -> Result<T, ApiError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

fn capacity_ok(capacity: u32) -> bool {
    (1..=MAX_CAPACITY).contains(&capacity)
}

const CAPACITY_MESSAGE: &str = "must be between 1 and 100000";
const PRICE_MESSAGE: &str = "must be at most 100000000";

impl NewEventBody {
    pub fn parse(self, now: OffsetDateTime) -> Result<NewEvent, ApiError> {
        let mut p = Problems::default();
        let title = p.text("title", &self.title, 1, 120);
        let description = p.text("description", &self.description, 0, 4000);
        let venue = p.text("venue", &self.venue, 1, 200);
        let starts_at = StartTime::parse_future(&self.starts_at, now)
            .map_err(|m| p.check("starts_at", false, m))
            .ok();
        p.check("capacity", capacity_ok(self.capacity), CAPACITY_MESSAGE);
        p.check(
            "price_minor",
            self.price_minor <= MAX_PRICE_MINOR,
            PRICE_MESSAGE,
        );
        p.check(
            "currency",
            self.currency.len() == 3 && self.currency.bytes().all(|b| b.is_ascii_uppercase()),
            "must be an ISO 4217 code such as EUR",
        );
        let Some(starts_at) = starts_at else {
            return Err(ApiError::Validation(p.0));
        };
        p.finish(NewEvent {
            title,
            description,
            venue,
            starts_at,
            capacity: self.capacity,
            price_minor: self.price_minor,
            currency: self.currency,
            published: self.published,
        })
    }
}

impl EventChangesBody {
    pub fn parse(self, now: OffsetDateTime) -> Result<EventChanges, ApiError> {
        let mut p = Problems::default();
        let mut changes = EventChanges {
            title: self.title.map(|t| p.text("title", &t, 1, 120)),
            description: self.description.map(|d| p.text("description", &d, 0, 4000)),
            venue: self.venue.map(|v| p.text("venue", &v, 1, 200)),
            capacity: self.capacity,
            price_minor: self.price_minor,
            ..Default::default()
        };
        if let Some(text) = &self.starts_at {
            match StartTime::parse_future(text, now) {
                Ok(at) => changes.starts_at = Some(at),
                Err(m) => p.check("starts_at", false, m),
            }
        }
        if let Some(capacity) = self.capacity {
            p.check("capacity", capacity_ok(capacity), CAPACITY_MESSAGE);
        }
        if let Some(price) = self.price_minor {
            p.check("price_minor", price <= MAX_PRICE_MINOR, PRICE_MESSAGE);
        }
        let empty = changes.title.is_none()
            && changes.description.is_none()
            && changes.venue.is_none()
            && self.starts_at.is_none()
            && changes.capacity.is_none()
            && changes.price_minor.is_none();
        p.check("", !empty, "name at least one field to change");
        p.finish(changes)
    }
}

impl BookBody {
    pub fn seats(&self) -> Result<u32, ApiError> {
        if (1..=MAX_SEATS_PER_BOOKING).contains(&self.seats) {
            Ok(self.seats)
        } else {
            Err(ApiError::Validation(vec![FieldError::new(
                "seats",
                format!("must be between 1 and {MAX_SEATS_PER_BOOKING}"),
            )]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::parse("2026-11-21T12:00:00Z", &Rfc3339).unwrap()
    }

    #[test]
    fn start_times_are_normalised_to_utc_whole_seconds() {
        let at = StartTime::parse_future("2026-12-01T20:30:15.250+02:00", now()).unwrap();
        assert_eq!(at.text(), "2026-12-01T18:30:15Z");
    }

    #[test]
    fn past_and_far_future_start_times_are_refused() {
        assert!(StartTime::parse_future("2026-11-21T11:59:59Z", now()).is_err());
        assert!(StartTime::parse_future("2031-01-01T00:00:00Z", now()).is_err());
        assert!(StartTime::parse_future("tomorrow", now()).is_err());
    }

    #[test]
    fn an_empty_change_is_refused() {
        assert!(EventChangesBody::default().parse(now()).is_err());
    }
}
