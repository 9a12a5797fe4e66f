//! Events: created, published, cancelled and deleted only by their organizer, each in one
//! conditional write. A failed condition is explained by reading the event afterwards;
//! nothing is decided from that read. Changes of fields are in `event_changes`.

use anyhow::Context;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::ReturnValue;
use bazaar_shared::dynamo::{
    Item, from_item, is_condition_failed, number, string, timestamp, to_item,
};
use time::OffsetDateTime;

use super::{BROWSE_PARTITION, TicketStore, browse_sort_key, event_key, organizer_pk};
use crate::input::NewEvent;
use crate::model::{EventRecord, EventStatus};

/// Why an organizer's change was not made.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// No such event, or not this organizer's (the same answer, so ids reveal nothing).
    #[error("no such event")]
    NotFound,
    #[error("the event is cancelled")]
    Cancelled,
    #[error("the event has started")]
    Started,
    #[error("{sold} seats are sold")]
    BelowSold { sold: u32 },
    #[error("the event has bookings")]
    HasBookings,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// What a change did: the event before and after.
#[derive(Debug)]
pub struct EventChange {
    pub before: EventRecord,
    pub after: EventRecord,
}

/// The condition of every owned update: this organizer's, not cancelled, not started.
pub(super) const OWNED_OPEN: &str =
    "organizer_id = :me AND #status <> :cancelled AND starts_ts > :now";

impl TicketStore {
    /// Stores a new event (a draft unless `new.published`).
    pub async fn create_event(
        &self,
        organizer_id: &str,
        new: &NewEvent,
        now: OffsetDateTime,
    ) -> anyhow::Result<EventRecord> {
        let event_id = uuid::Uuid::now_v7().simple().to_string();
        let created = timestamp(now);
        let record = EventRecord {
            event_id: event_id.clone(),
            organizer_id: organizer_id.to_owned(),
            title: new.title.clone(),
            description: new.description.clone(),
            venue: new.venue.clone(),
            starts_at: new.starts_at.text(),
            starts_ts: new.starts_at.unix(),
            capacity: new.capacity,
            available: new.capacity,
            price_minor: new.price_minor,
            currency: new.currency.clone(),
            status: match new.published {
                true => EventStatus::Published,
                false => EventStatus::Draft,
            },
            bookings_made: 0,
            revenue_minor: 0,
            version: 0,
            reminded_for: None,
            created_at: created.clone(),
            updated_at: created.clone(),
        };
        let mut item: Item = to_item(&record)?;
        item.extend(event_key(&event_id));
        let browse = browse_sort_key(&record.starts_at, &event_id);
        item.insert("gsi1sk".into(), string(browse));
        if new.published {
            item.insert("gsi1pk".into(), string(BROWSE_PARTITION));
        }
        item.insert("gsi2pk".into(), string(organizer_pk(organizer_id)));
        item.insert("gsi2sk".into(), string(format!("{created}#{event_id}")));
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .context("creating an event")?;
        Ok(record)
    }

    /// An update of one of `organizer_id`'s events, with the values `OWNED_OPEN` needs.
    pub(super) fn owned_update(
        &self,
        event_id: &str,
        organizer_id: &str,
        now: i64,
    ) -> UpdateItemFluentBuilder {
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(event_key(event_id)))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":me", string(organizer_id))
            .expression_attribute_values(":now", number(now))
            .expression_attribute_values(":cancelled", string(EventStatus::Cancelled.as_str()))
            .return_values(ReturnValue::AllNew)
    }

    /// Runs an owned update; on a failed condition, tells why from the event as it is now.
    pub(super) async fn run_owned(
        &self,
        update: UpdateItemFluentBuilder,
        event_id: &str,
        organizer_id: &str,
        now: i64,
    ) -> Result<EventRecord, ChangeError> {
        match update.send().await {
            Ok(output) => Ok(
                from_item(output.attributes.unwrap_or_default()).context("decoding an event")?
            ),
            Err(error) if is_condition_failed(&error) => {
                Err(self.why_not(event_id, organizer_id, now).await?)
            }
            Err(error) => Err(anyhow::Error::from(error)
                .context("updating an event")
                .into()),
        }
    }

    async fn why_not(
        &self,
        event_id: &str,
        organizer_id: &str,
        now: i64,
    ) -> anyhow::Result<ChangeError> {
        Ok(match self.event(event_id).await? {
            Some(e) if e.organizer_id != organizer_id => ChangeError::NotFound,
            None => ChangeError::NotFound,
            Some(e) if e.status == EventStatus::Cancelled => ChangeError::Cancelled,
            Some(e) if e.starts_ts <= now => ChangeError::Started,
            Some(e) => ChangeError::BelowSold {
                sold: e.capacity.saturating_sub(e.available),
            },
        })
    }

    /// Publishes (listed and bookable) or unpublishes (hidden, no new bookings; existing
    /// bookings stay) an event.
    pub async fn set_published(
        &self,
        event_id: &str,
        organizer_id: &str,
        published: bool,
        now: OffsetDateTime,
    ) -> Result<EventRecord, ChangeError> {
        let now_ts = now.unix_timestamp();
        let (status, expression) = match published {
            true => (
                EventStatus::Published,
                "SET #status = :status, gsi1pk = :browse, updated_at = :at",
            ),
            false => (
                EventStatus::Draft,
                "SET #status = :status, updated_at = :at REMOVE gsi1pk",
            ),
        };
        let mut update = self
            .owned_update(event_id, organizer_id, now_ts)
            .update_expression(expression)
            .condition_expression(OWNED_OPEN)
            .expression_attribute_values(":status", string(status.as_str()))
            .expression_attribute_values(":at", string(timestamp(now)));
        if published {
            update = update.expression_attribute_values(":browse", string(BROWSE_PARTITION));
        }
        self.run_owned(update, event_id, organizer_id, now_ts).await
    }

    /// Cancels an event for good: unlisted, no longer bookable.
    pub async fn cancel_event(
        &self,
        event_id: &str,
        organizer_id: &str,
        now: OffsetDateTime,
    ) -> Result<EventRecord, ChangeError> {
        let now_ts = now.unix_timestamp();
        let update = self
            .owned_update(event_id, organizer_id, now_ts)
            .update_expression(
                "SET #status = :cancelled, updated_at = :at, version = version + :one \
                 REMOVE gsi1pk",
            )
            .condition_expression(OWNED_OPEN)
            .expression_attribute_values(":at", string(timestamp(now)))
            .expression_attribute_values(":one", number(1));
        self.run_owned(update, event_id, organizer_id, now_ts).await
    }

    /// Deletes an event that was never booked.
    pub async fn delete_event(
        &self,
        event_id: &str,
        organizer_id: &str,
    ) -> Result<(), ChangeError> {
        let deleted = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(event_key(event_id)))
            .condition_expression("organizer_id = :me AND bookings_made = :zero")
            .expression_attribute_values(":me", string(organizer_id))
            .expression_attribute_values(":zero", number(0))
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failed(&error) => match self.event(event_id).await? {
                Some(e) if e.organizer_id == organizer_id => Err(ChangeError::HasBookings),
                _ => Err(ChangeError::NotFound),
            },
            Err(error) => Err(anyhow::Error::from(error)
                .context("deleting an event")
                .into()),
        }
    }

    /// Records that bookers were reminded of the event starting at `starts_at`; false when
    /// they already were (or the event moved or closed meanwhile).
    pub async fn mark_reminded(&self, event_id: &str, starts_at: &str) -> anyhow::Result<bool> {
        let marked = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(event_key(event_id)))
            .update_expression("SET reminded_for = :starts_at")
            .condition_expression(
                "#status = :published AND starts_at = :starts_at \
                 AND (attribute_not_exists(reminded_for) OR reminded_for <> :starts_at)",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":published", string(EventStatus::Published.as_str()))
            .expression_attribute_values(":starts_at", string(starts_at))
            .send()
            .await;
        match marked {
            Ok(_) => Ok(true),
            Err(error) if is_condition_failed(&error) => Ok(false),
            Err(error) => Err(error).context("marking a reminder"),
        }
    }
}
