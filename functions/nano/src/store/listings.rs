//! Paged listings, each one query of the table or an index (never a scan).

use anyhow::Context;
use bazaar_shared::dynamo::{Item, from_items, number, string};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use super::{NanoStore, OPEN_TASKS, PENDING_WITHDRAWALS, task_pk};
use crate::model::SubmissionStatus;

/// What is listed, and for whom.
#[derive(Debug, Clone, Copy)]
pub enum Listing<'a> {
    /// Tasks a worker can take now: open, slots left, not past their date, not their own;
    /// soonest due first (gsi1).
    OpenTasks {
        worker_id: &'a str,
        now: OffsetDateTime,
    },
    /// A buyer's tasks, newest first (gsi2).
    TasksOf(&'a str),
    /// The submissions of a task, optionally of one status.
    SubmissionsTo {
        task_id: &'a str,
        status: Option<SubmissionStatus>,
    },
    /// A worker's submissions, newest first (gsi2).
    SubmissionsOf(&'a str),
    /// A user's withdrawals, newest first (gsi2).
    WithdrawalsOf(&'a str),
    /// Withdrawals waiting for an admin, oldest first (gsi1).
    PendingWithdrawals,
}

impl NanoStore {
    /// One page of `listing`, and the key to continue from.
    pub async fn list<T: DeserializeOwned>(
        &self,
        listing: Listing<'_>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<T>, Option<Item>)> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .limit(limit)
            .set_exclusive_start_key(start);
        let by_gsi2 = |pk: String| {
            query
                .clone()
                .index_name("gsi2")
                .key_condition_expression("gsi2pk = :pk")
                .expression_attribute_values(":pk", string(pk))
                .scan_index_forward(false)
        };
        let query = match listing {
            Listing::OpenTasks { worker_id, now } => query
                .index_name("gsi1")
                .key_condition_expression("gsi1pk = :pk AND gsi1sk > :now")
                .filter_expression(
                    "slots_left > :zero AND complete_by_ts > :ts AND buyer_id <> :me",
                )
                .expression_attribute_values(":pk", string(OPEN_TASKS))
                .expression_attribute_values(":now", string(bazaar_shared::dynamo::timestamp(now)))
                .expression_attribute_values(":zero", number(0))
                .expression_attribute_values(":ts", number(now.unix_timestamp()))
                .expression_attribute_values(":me", string(worker_id)),
            Listing::TasksOf(buyer_id) => by_gsi2(format!("BUYER#{buyer_id}")),
            Listing::SubmissionsOf(worker_id) => by_gsi2(format!("WORKER#{worker_id}")),
            Listing::WithdrawalsOf(user_id) => by_gsi2(format!("WITHDRAWER#{user_id}")),
            Listing::SubmissionsTo { task_id, status } => {
                let query = query
                    .key_condition_expression("pk = :pk AND begins_with(sk, :sub)")
                    .expression_attribute_values(":pk", string(task_pk(task_id)))
                    .expression_attribute_values(":sub", string("SUB#"))
                    .consistent_read(true);
                match status {
                    Some(status) => query
                        .filter_expression("#status = :status")
                        .expression_attribute_names("#status", "status")
                        .expression_attribute_values(":status", string(status.as_str())),
                    None => query,
                }
            }
            Listing::PendingWithdrawals => query
                .index_name("gsi1")
                .key_condition_expression("gsi1pk = :pk")
                .expression_attribute_values(":pk", string(PENDING_WITHDRAWALS)),
        };
        let output = query.send().await.context("listing")?;
        let items = from_items(output.items.unwrap_or_default()).context("decoding a listing")?;
        Ok((items, output.last_evaluated_key))
    }
}
