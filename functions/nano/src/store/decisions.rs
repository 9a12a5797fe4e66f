//! The buyer's decision on a pending submission, each ONE conditional transaction whose first
//! action moves the submission out of `pending`, so two decisions of one submission apply once.
//! Approving pays the worker from the task's escrow and fills the slot; rejecting reopens the
//! slot (or, on a closed task, refunds its coins to the buyer).

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use bazaar_shared::dynamo::{
    TransactError, batch_get, from_item, number, string, timestamp, transact,
};
use time::OffsetDateTime;

use super::{NanoStore, TASK_SK, submission_key, task_key};
use crate::model::{Movement, NoticeKind, Submission, SubmissionStatus, Task, TaskStatus};

/// Tries in all when the task closes between our read and our write.
const ATTEMPTS: usize = 3;
const DECIDE: usize = 0;
const TASK: usize = 1;

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such submission to a task of yours")]
    NotFound,
    #[error("the submission was decided already")]
    AlreadyDecided,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl NanoStore {
    /// Decides `worker_id`'s submission to `buyer_id`'s task `task_id`.
    pub async fn decide(
        &self,
        buyer_id: &str,
        task_id: &str,
        worker_id: &str,
        approve: bool,
        now: OffsetDateTime,
    ) -> Result<Submission, DecideError> {
        for _ in 0..ATTEMPTS {
            let (Some(task), Some(mut submission)) =
                self.task_and_submission(task_id, worker_id).await?
            else {
                return Err(DecideError::NotFound);
            };
            if task.buyer_id != buyer_id {
                return Err(DecideError::NotFound);
            }
            if submission.status != SubmissionStatus::Pending {
                return Err(DecideError::AlreadyDecided);
            }
            let status = match approve {
                true => SubmissionStatus::Approved,
                false => SubmissionStatus::Rejected,
            };
            let items = self.submission_decision_items(&task, &submission, status, now)?;
            match transact(&self.db, items, "deciding a submission").await {
                Ok(()) => {
                    submission.status = status;
                    submission.decided_at = Some(timestamp(now));
                    return Ok(submission);
                }
                Err(e) if e.failed_at(DECIDE) => return Err(DecideError::AlreadyDecided),
                // The task closed (or reopened) since our read: read again.
                Err(e) if e.failed_at(TASK) || e.is_contended() => continue,
                Err(TransactError::Failed(e)) => return Err(e.into()),
                Err(e) => {
                    return Err(anyhow::Error::from(e)
                        .context("deciding a submission")
                        .into());
                }
            }
        }
        Err(DecideError::Contention)
    }

    /// A task and one submission to it, in one `BatchGetItem` (both keys are known).
    async fn task_and_submission(
        &self,
        task_id: &str,
        worker_id: &str,
    ) -> anyhow::Result<(Option<Task>, Option<Submission>)> {
        let what = "reading a task and a submission";
        let keys = vec![task_key(task_id), submission_key(task_id, worker_id)];
        let (mut task, mut submission) = (None, None);
        for item in batch_get(&self.db, &self.table, keys, what).await? {
            let is_task = matches!(item.get("sk"), Some(AttributeValue::S(sk)) if sk == TASK_SK);
            if is_task {
                task = Some(from_item(item).context(what)?);
            } else {
                submission = Some(from_item(item).context(what)?);
            }
        }
        Ok((task, submission))
    }

    fn submission_decision_items(
        &self,
        task: &Task,
        submission: &Submission,
        status: SubmissionStatus,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let decide = Update::builder()
            .table_name(&self.table)
            .set_key(Some(submission_key(&task.task_id, &submission.worker_id)))
            .update_expression("SET #status = :status, decided_at = :now")
            .condition_expression("#status = :pending AND buyer_id = :buyer")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", string(status.as_str()))
            .expression_attribute_values(":pending", string(SubmissionStatus::Pending.as_str()))
            .expression_attribute_values(":buyer", string(&task.buyer_id))
            .expression_attribute_values(":now", string(timestamp(now)))
            .build()
            .context("building a decision")?;
        let coins = submission.coins;
        let delta = i64::try_from(coins).context("coins out of range")?;
        let (expression, refund_to) = match (status, task.status) {
            (SubmissionStatus::Approved, _) => (
                "SET pending = pending - :one, filled = filled + :one, escrow = escrow - :c",
                Some((&submission.worker_id, Movement::Earning)),
            ),
            (_, TaskStatus::Open) => (
                "SET pending = pending - :one, slots_left = slots_left + :one",
                None,
            ),
            (_, TaskStatus::Closed) => (
                "SET pending = pending - :one, escrow = escrow - :c",
                Some((&task.buyer_id, Movement::Refund)),
            ),
        };
        // A closed task keeps paying its pending submissions from escrow; a rejection must
        // know whether it reopens a slot or refunds, so it holds on to the status it read.
        let approving = status == SubmissionStatus::Approved;
        let condition = match approving {
            true => "pending >= :one AND escrow >= :c",
            false => "#status = :seen AND pending >= :one AND escrow >= :c",
        };
        let mut task_update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(task_key(&task.task_id)))
            .update_expression(expression)
            .condition_expression(condition)
            .expression_attribute_values(":one", number(1))
            .expression_attribute_values(":c", number(coins));
        if !approving {
            task_update = task_update
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":seen", string(task.status.as_str()));
        }
        let mut items = vec![
            TransactWriteItem::builder().update(decide).build(),
            TransactWriteItem::builder()
                .update(task_update.build().context("building a task update")?)
                .build(),
        ];
        let (kind, text) = decision_notice(task, coins, status);
        items.push(self.notice_put(&submission.worker_id, kind, text, &task.task_id, now)?);
        if let Some((user_id, kind)) = refund_to {
            let total = match kind {
                Movement::Earning => "earned",
                _ => "refunded",
            };
            items.push(self.wallet_credit(user_id, coins, total)?);
            items.push(self.ledger_put(user_id, kind, delta, &task.task_id, now)?);
        }
        Ok(items)
    }
}

/// What the worker is told of a decision.
fn decision_notice(task: &Task, coins: u64, status: SubmissionStatus) -> (NoticeKind, String) {
    match status {
        SubmissionStatus::Approved => (
            NoticeKind::SubmissionApproved,
            format!(
                "Your submission to \"{}\" was approved: {coins} coins.",
                task.title
            ),
        ),
        _ => (
            NoticeKind::SubmissionRejected,
            format!("Your submission to \"{}\" was rejected.", task.title),
        ),
    }
}
