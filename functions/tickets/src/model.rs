//! What the tickets table holds, and the answers built from it.
//!
//! Money is in minor units (cents, paise) with an ISO 4217 currency: never floating point.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};
use utoipa::ToSchema;

/// When an event starts: UTC, whole seconds. Its RFC 3339 text (`2026-12-01T18:30:15Z`) is what
/// the API shows and what the browse index sorts by, so it sorts like the time it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct StartTime(OffsetDateTime);

impl StartTime {
    /// Any RFC 3339 date-time, normalised to UTC whole seconds.
    pub fn parse(text: &str) -> Option<Self> {
        OffsetDateTime::parse(text, &Rfc3339).ok().map(Self::of)
    }

    /// `at`, to the second (also a bound for browse index queries).
    pub fn of(at: OffsetDateTime) -> Self {
        let at = at.to_offset(UtcOffset::UTC);
        Self(at.replace_nanosecond(0).unwrap_or(at))
    }

    pub fn unix(self) -> i64 {
        self.0.unix_timestamp()
    }

    pub fn text(self) -> String {
        self.0.format(&Rfc3339).expect("UTC times format")
    }

    pub(crate) fn time(self) -> OffsetDateTime {
        self.0
    }
}

/// Where an event stands. Only `published` events can be found and booked; `cancelled` is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Draft,
    Published,
    Cancelled,
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Cancelled => "cancelled",
        }
    }
}

/// An event item (`EVENT#<id>` / `EVENT`). `available` is only ever changed by conditional
/// arithmetic in a booking, cancellation or capacity transaction, never written from a request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventRecord {
    pub event_id: String,
    pub organizer_id: String,
    pub title: String,
    pub description: String,
    pub venue: String,
    /// [`StartTime::text`]: sorts as text in the browse index.
    pub starts_at: String,
    pub starts_ts: i64,
    pub capacity: u32,
    pub available: u32,
    pub price_minor: u64,
    pub currency: String,
    pub status: EventStatus,
    /// Bookings ever made: an event that was ever booked cannot be deleted.
    pub bookings_made: u64,
    /// Sum of the totals of active bookings.
    pub revenue_minor: i64,
    /// Bumped by every organizer change; names the change notice sent to bookers.
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminded_for: Option<String>,
    /// Stored times (`created_at`, `updated_at`, `cancelled_at`) are `dynamo::timestamp`s.
    pub created_at: String,
    pub updated_at: String,
}

/// A booking, kept in its customer's partition (`USER#<id>` / `BOOKING#<id>`); ids are UUIDv7 so
/// the partition sorts newest last.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookingRecord {
    pub booking_id: String,
    pub user_id: String,
    pub event_id: String,
    pub seats: u32,
    pub unit_price_minor: u64,
    pub total_minor: u64,
    pub currency: String,
    pub status: BookingStatus,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Active,
    Cancelled,
}

/// The one active booking of a customer for an event (`EVENT#<id>#BOOKERS` / `USER#<id>`).
/// Its existence is the "one active booking per customer" rule; the event's bookers are paged
/// through this partition when they must all be told something.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BookerRecord {
    pub user_id: String,
    pub booking_id: String,
    pub email: String,
    pub seats: u32,
}

/// An event as the public sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub venue: String,
    /// RFC 3339.
    pub starts_at: String,
    pub capacity: u32,
    pub available: u32,
    /// Price of one seat in minor units (cents).
    pub price_minor: u64,
    pub currency: String,
    pub status: EventStatus,
}

impl From<&EventRecord> for EventView {
    fn from(e: &EventRecord) -> Self {
        Self {
            id: e.event_id.clone(),
            title: e.title.clone(),
            description: e.description.clone(),
            venue: e.venue.clone(),
            starts_at: e.starts_at.clone(),
            capacity: e.capacity,
            available: e.available,
            price_minor: e.price_minor,
            currency: e.currency.clone(),
            status: e.status,
        }
    }
}

/// An event as its organizer sees it: with sales figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganizerEventView {
    #[serde(flatten)]
    pub event: EventView,
    pub seats_sold: u32,
    pub bookings_made: u64,
    /// Sum of the totals of active bookings, in minor units.
    pub revenue_minor: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&EventRecord> for OrganizerEventView {
    fn from(e: &EventRecord) -> Self {
        Self {
            event: e.into(),
            seats_sold: e.capacity.saturating_sub(e.available),
            bookings_made: e.bookings_made,
            revenue_minor: e.revenue_minor,
            created_at: e.created_at.clone(),
            updated_at: e.updated_at.clone(),
        }
    }
}

/// A booking as its customer sees it, with the event as it is now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BookingView {
    pub id: String,
    pub event_id: String,
    pub seats: u32,
    pub unit_price_minor: u64,
    pub total_minor: u64,
    pub currency: String,
    pub status: BookingStatus,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<String>,
    /// Absent only if the organizer deleted the event meanwhile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<EventView>,
}

impl BookingView {
    pub fn new(b: &BookingRecord, event: Option<&EventRecord>) -> Self {
        Self {
            id: b.booking_id.clone(),
            event_id: b.event_id.clone(),
            seats: b.seats,
            unit_price_minor: b.unit_price_minor,
            total_minor: b.total_minor,
            currency: b.currency.clone(),
            status: b.status,
            created_at: b.created_at.clone(),
            cancelled_at: b.cancelled_at.clone(),
            event: event.map(EventView::from),
        }
    }
}
