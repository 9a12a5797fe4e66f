//! Submitting: one per worker and task, reserving a slot while pending. One transaction of
//! the task's slot decrement (open, not past its date, slots left, not the worker's own) and
//! the submission (`attribute_not_exists`), so a task never takes more than its slots.

use anyhow::Context;
use aws_sdk_dynamodb::types::{ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use bazaar_shared::dynamo::{
    Item, TransactError, from_item, get_item, number, put_new, string, timestamp, to_item, transact,
};
use time::OffsetDateTime;

use super::{NanoStore, submission_key, task_key};
use crate::model::{Submission, SubmissionStatus, Task, TaskStatus};

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("no such task")]
    NotFound,
    #[error("this is the worker's own task")]
    OwnTask,
    #[error("the task takes no more submissions: {0}")]
    NotOpen(&'static str),
    #[error("every slot is taken")]
    Full,
    #[error("already submitted")]
    AlreadySubmitted,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

const RESERVE: usize = 0;
const SUBMISSION: usize = 1;

impl NanoStore {
    /// Hands in `proof` for `task_id` as `worker_id`, reserving a slot.
    pub async fn submit(
        &self,
        task_id: &str,
        worker_id: &str,
        proof: String,
        now: OffsetDateTime,
    ) -> Result<Submission, SubmitError> {
        let Some(task) = self.task(task_id).await? else {
            return Err(SubmitError::NotFound);
        };
        if task.buyer_id == worker_id {
            return Err(SubmitError::OwnTask);
        }
        let submission = Submission {
            task_id: task.task_id.clone(),
            worker_id: worker_id.to_owned(),
            buyer_id: task.buyer_id.clone(),
            task_title: task.title.clone(),
            coins: task.coins,
            proof,
            status: SubmissionStatus::Pending,
            created_at: timestamp(now),
            decided_at: None,
        };
        let mut item: Item = to_item(&submission).context("encoding a submission")?;
        item.extend(submission_key(task_id, worker_id));
        item.insert("gsi2pk".into(), string(format!("WORKER#{worker_id}")));
        item.insert(
            "gsi2sk".into(),
            string(format!("{}#{task_id}", submission.created_at)),
        );
        let items = vec![
            TransactWriteItem::builder()
                .update(self.reserve(task_id, worker_id, now)?)
                .build(),
            put_new(&self.table, item)?,
        ];
        match transact(&self.db, items, "submitting").await {
            Ok(()) => Ok(submission),
            Err(e) if e.is_contended() => Err(SubmitError::Contention),
            Err(e) if e.failed_at(SUBMISSION) => Err(SubmitError::AlreadySubmitted),
            Err(e) if e.failed_at(RESERVE) => {
                let seen = e.reason(RESERVE).and_then(|r| r.item.clone());
                let task: Option<Task> = match seen {
                    Some(item) => Some(from_item(item).context("decoding a task")?),
                    None => self.task(task_id).await?,
                };
                Err(match task {
                    None => SubmitError::NotFound,
                    Some(t) if t.status == TaskStatus::Closed => {
                        SubmitError::NotOpen("the task is closed")
                    }
                    Some(t) if t.complete_by_ts <= now.unix_timestamp() => {
                        SubmitError::NotOpen("the task is past its completion date")
                    }
                    Some(_) => SubmitError::Full,
                })
            }
            Err(TransactError::Failed(e)) => Err(e.into()),
            Err(e) => Err(anyhow::Error::from(e).context("submitting").into()),
        }
    }

    fn reserve(
        &self,
        task_id: &str,
        worker_id: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Update> {
        Update::builder()
            .table_name(&self.table)
            .set_key(Some(task_key(task_id)))
            .update_expression("SET slots_left = slots_left - :one, pending = pending + :one")
            .condition_expression(
                "#status = :open AND slots_left >= :one AND complete_by_ts > :now \
                 AND buyer_id <> :me",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":open", string(TaskStatus::Open.as_str()))
            .expression_attribute_values(":one", number(1))
            .expression_attribute_values(":now", number(now.unix_timestamp()))
            .expression_attribute_values(":me", string(worker_id))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .context("building a slot reservation")
    }

    pub async fn submission(
        &self,
        task_id: &str,
        worker_id: &str,
    ) -> anyhow::Result<Option<Submission>> {
        get_item(
            &self.db,
            &self.table,
            submission_key(task_id, worker_id),
            "reading a submission",
        )
        .await
    }
}
