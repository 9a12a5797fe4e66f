//! The tickets table: events, bookings and each event's active bookers, in one table.
//!
//! | item            | pk                    | sk               | index keys                      |
//! |-----------------|-----------------------|------------------|---------------------------------|
//! | event           | `EVENT#<id>`          | `EVENT`          | gsi1 (browse), gsi2 (organizer) |
//! | booking         | `USER#<id>`           | `BOOKING#<id>`   |                                 |
//! | active booker   | `EVENT#<id>#BOOKERS`  | `USER#<id>`      |                                 |
//!
//! gsi1 is sparse: only published events carry `gsi1pk = PUBLISHED`, sorted by
//! `gsi1sk = <starts_at>#<id>`; gsi2 lists an organizer's events, `gsi2pk = ORGANIZER#<id>`,
//! `gsi2sk = <created_at>#<id>`. Both indexes project keys only, so the seat counter, which
//! every booking changes, is never copied into an index; listings read the page's events with
//! one BatchGetItem instead and so always show current availability.
//!
//! Times: `starts_at` is a [`StartTime`](crate::model::StartTime) text (whole seconds, what the
//! API shows), `starts_ts` its Unix seconds for conditions; every other stored time
//! (`created_at`, `updated_at`, `cancelled_at`) is a `bazaar_shared::dynamo::timestamp`.
//!
//! Files: `events` (an organizer's conditional writes), `event_changes` (the capacity-aware
//! change), `bookings` and `cancelling` (one transaction each), `bookers` and `listings`
//! (paged queries).

mod bookers;
mod bookings;
mod cancelling;
mod event_changes;
mod events;
mod listings;

use std::collections::HashMap;

use anyhow::Context;
use bazaar_shared::dynamo::{Item, batch_get, from_items, get_item, key};

pub use bookings::{BookError, NewBooking};
pub use cancelling::CancelError;
pub use events::{ChangeError, EventChange};
pub use listings::Index;

use crate::model::EventRecord;

/// The value of `gsi1pk` on published events.
const BROWSE_PARTITION: &str = "PUBLISHED";

/// The tickets table, through the SDK: every read and write of the crate goes through here.
#[derive(Clone, Debug)]
pub struct TicketStore {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

fn event_key(event_id: &str) -> Item {
    key(format!("EVENT#{event_id}"), "EVENT")
}

fn customer_pk(user_id: &str) -> String {
    format!("USER#{user_id}")
}

fn booking_key(user_id: &str, booking_id: &str) -> Item {
    key(customer_pk(user_id), format!("BOOKING#{booking_id}"))
}

fn bookers_pk(event_id: &str) -> String {
    format!("EVENT#{event_id}#BOOKERS")
}

fn booker_key(event_id: &str, user_id: &str) -> Item {
    key(bookers_pk(event_id), format!("USER#{user_id}"))
}

fn organizer_pk(organizer_id: &str) -> String {
    format!("ORGANIZER#{organizer_id}")
}

/// `gsi1sk`: events sort by start time, then id.
fn browse_sort_key(starts_at: &str, event_id: &str) -> String {
    format!("{starts_at}#{event_id}")
}

impl TicketStore {
    pub fn new(db: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            db,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub async fn event(&self, event_id: &str) -> anyhow::Result<Option<EventRecord>> {
        get_item(
            &self.db,
            &self.table,
            event_key(event_id),
            "reading an event",
        )
        .await
    }

    /// The events of `ids`, by id (missing ones are left out).
    pub async fn events(&self, ids: &[String]) -> anyhow::Result<HashMap<String, EventRecord>> {
        let mut unique: Vec<&String> = ids.iter().collect();
        unique.sort();
        unique.dedup();
        let keys = unique.into_iter().map(|id| event_key(id)).collect();
        let items = batch_get(&self.db, &self.table, keys, "reading events").await?;
        let events: Vec<EventRecord> = from_items(items).context("decoding events")?;
        Ok(events
            .into_iter()
            .map(|e| (e.event_id.clone(), e))
            .collect())
    }
}
