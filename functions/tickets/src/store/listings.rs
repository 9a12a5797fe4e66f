//! Event listings: pages of event ids from the two indexes (never a scan). The events
//! themselves are read afterwards with [`TicketStore::events`], so figures are current.

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use bazaar_shared::dynamo::{Item, string};

use super::{BROWSE_PARTITION, TicketStore, organizer_pk};
use crate::model::StartTime;

/// The two ways events are listed.
#[derive(Debug, Clone, Copy)]
pub enum Index<'a> {
    /// Published events starting between `from` and `to` (inclusive), soonest first.
    Browse {
        from: StartTime,
        to: Option<StartTime>,
    },
    /// An organizer's events, newest first.
    Organizer(&'a str),
}

impl TicketStore {
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
                .expression_attribute_values(":pk", string(BROWSE_PARTITION))
                .expression_attribute_values(":from", string(from.text()))
                // `~` sorts after `#<id>`: events starting exactly at `to` are in.
                .expression_attribute_values(
                    ":to",
                    string(format!(
                        "{}~",
                        to.map_or_else(|| "9999".into(), StartTime::text)
                    )),
                ),
            Index::Organizer(organizer_id) => query
                .index_name("gsi2")
                .key_condition_expression("gsi2pk = :pk")
                .expression_attribute_values(":pk", string(organizer_pk(organizer_id)))
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
