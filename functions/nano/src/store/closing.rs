//! Closing a task (its buyer deletes it, or an admin removes it): the unfilled slots' coins go
//! back to the buyer exactly once, in the transaction that closes it. Pending submissions keep
//! their coins in escrow until decided (a rejection then refunds them).

use anyhow::Context;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use bazaar_shared::dynamo::{TransactError, number, string, timestamp, transact};
use time::OffsetDateTime;

use super::{NanoStore, task_key};
use crate::model::{Movement, Task, TaskStatus};

/// Tries in all when the task's slots change between our read and our write.
const ATTEMPTS: usize = 3;
const CLOSE: usize = 0;

#[derive(Debug, thiserror::Error)]
pub enum CloseError {
    #[error("no such task")]
    NotFound,
    #[error("the task is already closed")]
    AlreadyClosed,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl NanoStore {
    /// Closes an open task and refunds its unfilled slots. `owner`: only this buyer's task
    /// (`None` for an admin). Answers the closed task.
    pub async fn close_task(
        &self,
        task_id: &str,
        owner: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Task, CloseError> {
        for _ in 0..ATTEMPTS {
            let Some(mut task) = self.task(task_id).await? else {
                return Err(CloseError::NotFound);
            };
            if owner.is_some_and(|me| me != task.buyer_id) {
                return Err(CloseError::NotFound);
            }
            if task.status == TaskStatus::Closed {
                return Err(CloseError::AlreadyClosed);
            }
            let refund = u64::from(task.slots_left) * task.coins;
            let items = self.closing_items(&task, refund, now)?;
            match transact(&self.db, items, "closing a task").await {
                Ok(()) => {
                    task.status = TaskStatus::Closed;
                    task.slots_left = 0;
                    task.escrow -= refund;
                    task.updated_at = timestamp(now);
                    return Ok(task);
                }
                // The slots moved since our read (a submission or a decision): read again.
                Err(e) if e.failed_at(CLOSE) || e.is_contended() => continue,
                Err(TransactError::Failed(e)) => return Err(e.into()),
                Err(e) => return Err(anyhow::Error::from(e).context("closing a task").into()),
            }
        }
        Err(CloseError::Contention)
    }

    fn closing_items(
        &self,
        task: &Task,
        refund: u64,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let close = Update::builder()
            .table_name(&self.table)
            .set_key(Some(task_key(&task.task_id)))
            .update_expression(
                "SET #status = :closed, slots_left = :zero, escrow = escrow - :refund, \
                 updated_at = :now REMOVE gsi1pk, gsi1sk",
            )
            .condition_expression("#status = :open AND slots_left = :seen AND escrow >= :refund")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":closed", string(TaskStatus::Closed.as_str()))
            .expression_attribute_values(":open", string(TaskStatus::Open.as_str()))
            .expression_attribute_values(":zero", number(0))
            .expression_attribute_values(":seen", number(task.slots_left))
            .expression_attribute_values(":refund", number(refund))
            .expression_attribute_values(":now", string(timestamp(now)))
            .build()
            .context("building a task close")?;
        let mut items = vec![TransactWriteItem::builder().update(close).build()];
        if refund > 0 {
            let delta = i64::try_from(refund).context("refund out of range")?;
            items.push(self.wallet_credit(&task.buyer_id, refund, "refunded")?);
            items.push(self.ledger_put(
                &task.buyer_id,
                Movement::Refund,
                delta,
                &task.task_id,
                now,
            )?);
        }
        Ok(items)
    }
}
