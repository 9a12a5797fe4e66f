//! An organizer's change of an event's fields, in one conditional update. A new capacity moves
//! seats available by the same amount, in the same write, and only while no more seats are
//! sold than the new capacity.

use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use bazaar_shared::dynamo::{number, string, timestamp};
use time::OffsetDateTime;

use super::events::OWNED_OPEN;
use super::{ChangeError, EventChange, TicketStore, browse_sort_key};
use crate::input::EventChanges;
use crate::model::EventRecord;

/// How often a capacity change is tried when another capacity change slipped in between.
const CAPACITY_ATTEMPTS: usize = 3;

impl TicketStore {
    /// Applies allowed changes to one of `organizer_id`'s open events.
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
            let update = self
                .owned_update(event_id, organizer_id, now_ts)
                .expression_attribute_values(":at", string(timestamp(now)))
                .expression_attribute_values(":one", number(1));
            let update = with_changes(update, &before, changes);
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
}

/// The update expression and condition of `changes` to the event read as `before`.
fn with_changes(
    mut update: UpdateItemFluentBuilder,
    before: &EventRecord,
    changes: &EventChanges,
) -> UpdateItemFluentBuilder {
    let mut sets = vec!["updated_at = :at", "version = version + :one"];
    let mut condition = OWNED_OPEN.to_owned();
    let texts = [
        ("#title = :title", "title", &changes.title),
        (
            "#description = :description",
            "description",
            &changes.description,
        ),
        ("#venue = :venue", "venue", &changes.venue),
    ];
    for (set, field, value) in texts {
        if let Some(value) = value {
            update = update
                .expression_attribute_names(format!("#{field}"), field)
                .expression_attribute_values(format!(":{field}"), string(value));
            sets.push(set);
        }
    }
    if let Some(price) = changes.price_minor {
        update = update.expression_attribute_values(":price", number(price));
        sets.push("price_minor = :price");
    }
    if let Some(at) = changes.starts_at {
        update = update
            .expression_attribute_values(":starts_at", string(at.text()))
            .expression_attribute_values(":starts_ts", number(at.unix()))
            .expression_attribute_values(
                ":gsi1sk",
                string(browse_sort_key(&at.text(), &before.event_id)),
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
            .expression_attribute_values(":capacity", number(capacity))
            .expression_attribute_values(":old_capacity", number(before.capacity))
            .expression_attribute_values(":delta", number(delta));
        sets.extend(["#capacity = :capacity", "available = available + :delta"]);
        // Only from the capacity read: a concurrent capacity change makes this one try again.
        condition.push_str(" AND #capacity = :old_capacity");
        if delta < 0 {
            update = update.expression_attribute_values(":shrink", number(-delta));
            condition.push_str(" AND available >= :shrink");
        }
    }
    update
        .update_expression(format!("SET {}", sets.join(", ")))
        .condition_expression(condition)
}
