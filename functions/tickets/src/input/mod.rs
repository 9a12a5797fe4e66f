//! Request bodies, and their parsing into values that are valid by construction. Unknown
//! fields are refused, so `available`, `organizer_id` or `status` can never be written by a
//! client. Field rules are `validator` attributes; every problem of a body is reported at once
//! in the 422 `errors` list.

mod rules;
#[cfg(test)]
mod tests;

use bazaar_shared::ApiError;
use bazaar_shared::error::{FieldError, field_errors, invalid};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use validator::Validate;

use crate::model::StartTime;
use bazaar_shared::rules::{currency_code, plain_text, trimmed, trimmed_option};
use rules::{future_start, names_a_change};

const MAX_SEATS_PER_BOOKING: u32 = 10;

/// `POST /events`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewEventBody {
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "plain_text")
    )]
    pub title: String,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        length(max = 4000, message = "must be at most 4000 characters"),
        custom(function = "plain_text")
    )]
    pub description: String,
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "plain_text")
    )]
    pub venue: String,
    /// RFC 3339; must be in the future.
    pub starts_at: String,
    #[validate(range(min = 1, max = 100_000, message = "must be between 1 and 100000"))]
    pub capacity: u32,
    /// Price of one seat in minor units (cents); 0 for a free event.
    #[validate(range(max = 100_000_000, message = "must be at most 100000000"))]
    pub price_minor: u64,
    /// ISO 4217, e.g. `EUR`. Fixed once the event exists.
    #[validate(custom(function = "currency_code"))]
    pub currency: String,
    #[serde(default)]
    pub published: bool,
}

/// `PATCH /events/{id}`: only these fields, each optional. `capacity` may grow, or shrink down
/// to the seats already sold; seats available follow it and are never set directly.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "names_a_change"))]
pub struct EventChangesBody {
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "plain_text")
    )]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(max = 4000, message = "must be at most 4000 characters"),
        custom(function = "plain_text")
    )]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "plain_text")
    )]
    pub venue: Option<String>,
    pub starts_at: Option<String>,
    #[validate(range(min = 1, max = 100_000, message = "must be between 1 and 100000"))]
    pub capacity: Option<u32>,
    #[validate(range(max = 100_000_000, message = "must be at most 100000000"))]
    pub price_minor: Option<u64>,
}

/// `POST /events/{id}/bookings`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct BookBody {
    /// 1 to 10.
    #[validate(range(min = 1, max = MAX_SEATS_PER_BOOKING, message = "must be between 1 and 10"))]
    pub seats: u32,
}

/// A valid new event.
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

/// Valid changes: at least one field.
#[derive(Debug, Clone, Default)]
pub struct EventChanges {
    pub title: Option<String>,
    pub description: Option<String>,
    pub venue: Option<String>,
    pub starts_at: Option<StartTime>,
    pub capacity: Option<u32>,
    pub price_minor: Option<u64>,
}

impl NewEventBody {
    pub fn parse(self, now: OffsetDateTime) -> Result<NewEvent, ApiError> {
        let mut problems = field_errors(self.validate());
        let starts_at = future_start(&self.starts_at, now)
            .map_err(|message| problems.push(FieldError::new("starts_at", message)));
        match starts_at {
            Ok(starts_at) if problems.is_empty() => Ok(NewEvent {
                title: self.title,
                description: self.description,
                venue: self.venue,
                starts_at,
                capacity: self.capacity,
                price_minor: self.price_minor,
                currency: self.currency,
                published: self.published,
            }),
            _ => Err(invalid(problems)),
        }
    }
}

impl EventChangesBody {
    pub fn parse(self, now: OffsetDateTime) -> Result<EventChanges, ApiError> {
        let mut problems = field_errors(self.validate());
        let starts_at = self
            .starts_at
            .as_deref()
            .map(|text| future_start(text, now))
            .transpose()
            .map_err(|message| problems.push(FieldError::new("starts_at", message)));
        match starts_at {
            Ok(starts_at) if problems.is_empty() => Ok(EventChanges {
                title: self.title,
                description: self.description,
                venue: self.venue,
                starts_at,
                capacity: self.capacity,
                price_minor: self.price_minor,
            }),
            _ => Err(invalid(problems)),
        }
    }
}

impl BookBody {
    pub fn seats(&self) -> Result<u32, ApiError> {
        match field_errors(self.validate()) {
            problems if problems.is_empty() => Ok(self.seats),
            problems => Err(invalid(problems)),
        }
    }
}
