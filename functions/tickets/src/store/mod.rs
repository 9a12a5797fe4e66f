//! The tickets table: events, bookings and each event's active bookers, in one table.
//!
//! | item            | pk                    | sk               | index keys                      |
//! |-----------------|-----------------------|------------------|---------------------------------|
//! | event           | `EVENT#<id>`          | `EVENT`          | gsi1 (browse), gsi2 (organizer) |
//! | booking         | `USER#<id>`           | `BOOKING#<id>`   |                                 |
//! | active booker   | `EVENT#<id>#BOOKERS`  | `USER#<id>`      |                                 |
//!
//! gsi1 is sparse: only published events carry `gsi1pk = PUBLISHED`, sorted by
//! `gsi1sk = <starts_at>#<id>`. Both indexes project keys only, so the seat counter, which
//! every booking changes, is never copied into an index; listings read the page's events with
//! one BatchGetItem instead and so always show current availability.

mod bookings;
mod events;

use std::collections::HashMap;

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use bazaar_shared::dynamo::{Item, batch_get, from_items, get_item};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use bookings::{BookError, CancelError, NewBooking};
pub use events::{ChangeError, EventChange, Index};

use crate::model::EventRecord;

pub const BROWSE_PARTITION: &str = "PUBLISHED";

#[derive(Clone, Debug)]
pub struct TicketStore {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn key(pk: String, sk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

pub fn event_key(event_id: &str) -> Item {
    key(format!("EVENT#{event_id}"), "EVENT")
}

pub fn booking_key(user_id: &str, booking_id: &str) -> Item {
    key(format!("USER#{user_id}"), format!("BOOKING#{booking_id}"))
}

pub fn bookers_pk(event_id: &str) -> String {
    format!("EVENT#{event_id}#BOOKERS")
}

pub fn booker_key(event_id: &str, user_id: &str) -> Item {
    key(bookers_pk(event_id), format!("USER#{user_id}"))
}

pub fn browse_sort_key(starts_at: &str, event_id: &str) -> String {
    format!("{starts_at}#{event_id}")
}

pub fn timestamp(at: OffsetDateTime) -> String {
    at.replace_nanosecond(0)
        .unwrap_or(at)
        .format(&Rfc3339)
        .unwrap_or_default()
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
