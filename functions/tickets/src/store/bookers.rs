//! An event's active bookers, paged: the fan-out of notices reads them a page at a time.

use anyhow::Context;
use bazaar_shared::dynamo::{from_items, string};

use super::{TicketStore, booker_key, bookers_pk};
use crate::model::BookerRecord;

impl TicketStore {
    /// One page of an event's active bookers, after the booker `after` (a user id), and the
    /// last booker of the page when there may be more.
    pub async fn bookers(
        &self,
        event_id: &str,
        after: Option<&str>,
        limit: i32,
    ) -> anyhow::Result<(Vec<BookerRecord>, Option<String>)> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", string(bookers_pk(event_id)))
            .set_exclusive_start_key(after.map(|user| booker_key(event_id, user)))
            .limit(limit)
            .send()
            .await
            .context("listing bookers")?;
        let bookers: Vec<BookerRecord> =
            from_items(output.items.unwrap_or_default()).context("decoding bookers")?;
        let next = output
            .last_evaluated_key
            .and(bookers.last().map(|b| b.user_id.clone()));
        Ok((bookers, next))
    }
}
