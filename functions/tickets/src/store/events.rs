//! Events: created, changed, published, cancelled and deleted only by their organizer, each in
//! one conditional write. A failed condition is explained by reading the event afterwards;
//! nothing is decided from that read.

use anyhow::Context;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use bazaar_shared::dynamo::{Item, from_item, is_condition_failed, to_item};
use time::OffsetDateTime;

use super::{BROWSE_PARTITION, TicketStore, browse_sort_key, event_key, n, s, timestamp};
use crate::input::{EventChanges, NewEvent};
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

/// What `change` did: the event before and after.
#[derive(Debug)]
pub struct EventChange {
    pub before: EventRecord,
    pub after: EventRecord,
}

/// How often a capacity change is retried when another capacity change slipped in between.
const CAPACITY_ATTEMPTS: usize = 3;

impl TicketStore {
    pub async fn create_event(
        &self,
        organizer_id: &str,
        new: &NewEvent,
        now: OffsetDateTime,
    ) -> anyhow::Result<EventRecord> {
        let event_id = uuid::Uuid::now_v7().simple().to_string();
        let stamp = timestamp(now);
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
            status: if new.published {
                EventStatus::Published
            } else {
                EventStatus::Draft
            },
            bookings_made: 0,
            revenue_minor: 0,
            version: 0,
            reminded_for: None,
            created_at: stamp.clone(),
            updated_at: stamp.clone(),
        };
        let mut item: Item = to_item(&record)?;
        item.extend(event_key(&event_id));
        item.insert(
            "gsi1sk".into(),
            s(browse_sort_key(&record.starts_at, &event_id)),
        );
        if new.published {
            item.insert("gsi1pk".into(), s(BROWSE_PARTITION));
        }
        item.insert("gsi2pk".into(), s(format!("ORGANIZER#{organizer_id}")));
        item.insert("gsi2sk".into(), s(format!("{stamp}#{event_id}")));
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

    /// An update of one of `organizer_id`'s events that has not started and is not cancelled.
    fn owned_update(
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
            .expression_attribute_values(":me", s(organizer_id))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":cancelled", s(EventStatus::Cancelled.as_str()))
            .return_values(ReturnValue::AllNew)
    }

    const OWNED_OPEN: &str = "organizer_id = :me AND #status <> :cancelled AND starts_ts > :now";

    /// Runs an owned update; on a failed condition, tells why from the event as it is now.
    async fn run_owned(
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

    /// Applies allowed changes. A new capacity moves seats available by the same amount, in
    /// the same write, and only while no more seats are sold than the new capacity.
    pub async fn change(
        &self,
        event_id: &str,
        organizer_id: &str,
        changes: &EventChanges,
        now: OffsetDateTime,
    ) -> Result<EventChange, ChangeError> {
        let now_ts = now.unix_timestamp();
        for _ in 0..CAPACITY_ATTEMPTS {
            let before = match self.event(event_id).await? {
                Some(e) if e.organizer_id == organizer_id => e,
                _ => return Err(ChangeError::NotFound),
            };
            let mut sets = vec!["updated_at = :at", "version = version + :one"];
            let mut condition = Self::OWNED_OPEN.to_owned();
            let mut update = self
                .owned_update(event_id, organizer_id, now_ts)
                .expression_attribute_values(":at", s(timestamp(now)))
                .expression_attribute_values(":one", n(1));
            for (field, value) in [
                ("title", &changes.title),
                ("description", &changes.description),
                ("venue", &changes.venue),
            ] {
                if let Some(value) = value {
                    update = update
                        .expression_attribute_names(format!("#{field}"), field)
                        .expression_attribute_values(format!(":{field}"), s(value));
                    sets.push(match field {
                        "title" => "#title = :title",
                        "description" => "#description = :description",
                        _ => "#venue = :venue",
                    });
                }
            }
            if let Some(price) = changes.price_minor {
                update = update.expression_attribute_values(":price", n(price));
                sets.push("price_minor = :price");
            }
            if let Some(at) = changes.starts_at {
                update = update
                    .expression_attribute_values(":starts_at", s(at.text()))
                    .expression_attribute_values(":starts_ts", n(at.unix()))
                    .expression_attribute_values(
                        ":gsi1sk",
                        s(browse_sort_key(&at.text(), event_id)),
                    );
                sets.extend([
                    "starts_at = :starts_at",
                    "starts_ts = :starts_ts",
                    "gsi1sk = :gsi1sk",
                ]);
            }
            if let Some(capacity) = changes.capacity {
                let delta = i64::from(capacity) - i64::from(before.capacity);
                update = update
                    .expression_attribute_names("#capacity", "capacity")
                    .expression_attribute_values(":capacity", n(capacity))
                    .expression_attribute_values(":old_capacity", n(before.capacity))
                    .expression_attribute_values(":delta", n(delta));
                sets.extend(["#capacity = :capacity", "available = available + :delta"]);
                condition.push_str(" AND #capacity = :old_capacity");
                if delta < 0 {
                    update = update.expression_attribute_values(":shrink", n(-delta));
                    condition.push_str(" AND available >= :shrink");
                }
            }
            let update = update
                .update_expression(format!("SET {}", sets.join(", ")))
                .condition_expression(condition);
            match self.run_owned(update, event_id, organizer_id, now_ts).await {
                Ok(after) => return Ok(EventChange { before, after }),
                // Sold seats are within the new capacity: another capacity change came first.
                Err(ChangeError::BelowSold { sold })
                    if changes.capacity.is_some_and(|c| c >= sold) => {}
                Err(error) => return Err(error),
            }
        }
        Err(anyhow::anyhow!("capacity kept changing underneath").into())
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
        let (status, expression) = if published {
            (
                EventStatus::Published,
                "SET #status = :status, gsi1pk = :browse, updated_at = :at",
            )
        } else {
            (
                EventStatus::Draft,
                "SET #status = :status, updated_at = :at REMOVE gsi1pk",
            )
        };
        let mut update = self
            .owned_update(event_id, organizer_id, now_ts)
            .update_expression(expression)
            .condition_expression(Self::OWNED_OPEN)
            .expression_attribute_values(":status", s(status.as_str()))
            .expression_attribute_values(":at", s(timestamp(now)));
        if published {
            update = update.expression_attribute_values(":browse", s(BROWSE_PARTITION));
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
            .condition_expression(Self::OWNED_OPEN)
            .expression_attribute_values(":at", s(timestamp(now)))
            .expression_attribute_values(":one", n(1));
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
            .expression_attribute_values(":me", s(organizer_id))
            .expression_attribute_values(":zero", n(0))
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
            .expression_attribute_values(":published", s(EventStatus::Published.as_str()))
            .expression_attribute_values(":starts_at", s(starts_at))
            .send()
            .await;
        match marked {
            Ok(_) => Ok(true),
            Err(error) if is_condition_failed(&error) => Ok(false),
            Err(error) => Err(error).context("marking a reminder"),
        }
    }

    /// One page of event ids from an index query, and the key to continue from.
    pub async fn index_page(
        &self,
        index: Index<'_>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<String>, Option<Item>)> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .limit(limit)
            .set_exclusive_start_key(start);
        let query = match index {
            Index::Browse { from, to } => query
                .index_name("gsi1")
                .key_condition_expression("gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", s(BROWSE_PARTITION))
                .expression_attribute_values(":from", s(from))
                .expression_attribute_values(":to", s(format!("{to}~"))),
            Index::Organizer(organizer_id) => query
                .index_name("gsi2")
                .key_condition_expression("gsi2pk = :pk")
                .expression_attribute_values(":pk", s(format!("ORGANIZER#{organizer_id}")))
                .scan_index_forward(false),
        };
        let output = query.send().await.context("querying events")?;
        let ids = output
            .items()
            .iter()
            .filter_map(|item| match item.get("pk") {
                Some(AttributeValue::S(pk)) => pk.strip_prefix("EVENT#").map(str::to_owned),
                _ => None,
            })
            .collect();
        Ok((ids, output.last_evaluated_key))
    }
}

/// The two ways events are listed.
#[derive(Debug, Clone, Copy)]
pub enum Index<'a> {
    /// Published events starting between `from` and `to` (RFC 3339 texts), soonest first.
    Browse { from: &'a str, to: &'a str },
    /// An organizer's events, newest first.
    Organizer(&'a str),
}
