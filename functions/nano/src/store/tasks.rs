//! Posting a task (its escrow leaves the buyer's balance in the same transaction), reading
//! and editing one.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use bazaar_shared::dynamo::{
    Item, TransactError, from_item, get_item, is_condition_failed, put_new, string, timestamp,
    to_item, transact,
};
use time::OffsetDateTime;

use super::{NanoStore, OPEN_TASKS, new_id, task_key};
use crate::model::{Movement, Task, TaskStatus};

/// A task as the buyer describes it, already valid.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub title: String,
    pub detail: String,
    pub instructions: String,
    pub required: u32,
    pub coins: u64,
    pub complete_by: OffsetDateTime,
}

/// The text fields a buyer may change (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct TaskEdit {
    pub title: Option<String>,
    pub detail: Option<String>,
    pub instructions: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PostError {
    #[error("the balance is short of {needed} coins")]
    InsufficientCoins { needed: u64 },
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("no such task of yours")]
    NotFound,
    #[error("the task is closed")]
    Closed,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

const DEBIT: usize = 1;

/// `gsi1sk` (open tasks, soonest due first) and `gsi2sk` (a buyer's tasks, newest first).
fn index_keys(task: &Task) -> [(String, AttributeValue); 4] {
    [
        ("gsi1pk".into(), string(OPEN_TASKS)),
        (
            "gsi1sk".into(),
            string(format!("{}#{}", task.complete_by, task.task_id)),
        ),
        ("gsi2pk".into(), string(format!("BUYER#{}", task.buyer_id))),
        (
            "gsi2sk".into(),
            string(format!("{}#{}", task.created_at, task.task_id)),
        ),
    ]
}

impl NanoStore {
    /// Puts the task and takes `required × coins` from the buyer's balance into its escrow,
    /// with the ledger entry: one transaction, refused whole when the balance is short.
    pub async fn post_task(
        &self,
        buyer_id: &str,
        new: NewTask,
        now: OffsetDateTime,
    ) -> Result<Task, PostError> {
        let escrow = u64::from(new.required) * new.coins;
        let at = timestamp(now);
        let task = Task {
            task_id: new_id(),
            buyer_id: buyer_id.to_owned(),
            title: new.title,
            detail: new.detail,
            instructions: new.instructions,
            required: new.required,
            coins: new.coins,
            slots_left: new.required,
            pending: 0,
            filled: 0,
            escrow,
            status: TaskStatus::Open,
            complete_by: timestamp(new.complete_by),
            complete_by_ts: new.complete_by.unix_timestamp(),
            created_at: at.clone(),
            updated_at: at,
            has_image: false,
            image_key: None,
        };
        let mut item: Item = to_item(&task).context("encoding a task")?;
        item.extend(task_key(&task.task_id));
        item.extend(index_keys(&task));
        let delta = -i64::try_from(escrow).context("escrow out of range")?;
        let items = vec![
            put_new(&self.table, item)?,
            self.wallet_debit(buyer_id, escrow, "escrowed")?,
            self.ledger_put(buyer_id, Movement::Escrow, delta, &task.task_id, now)?,
        ];
        match transact(&self.db, items, "posting a task").await {
            Ok(()) => Ok(task),
            Err(e) if e.is_contended() => Err(PostError::Contention),
            Err(e) if e.failed_at(DEBIT) => Err(PostError::InsufficientCoins { needed: escrow }),
            Err(TransactError::Failed(e)) => Err(e.into()),
            Err(e) => Err(anyhow::Error::from(e).context("posting a task").into()),
        }
    }

    pub async fn task(&self, task_id: &str) -> anyhow::Result<Option<Task>> {
        get_item(&self.db, &self.table, task_key(task_id), "reading a task").await
    }

    /// Changes the allowed text fields of an open task of `buyer_id`'s: one conditional update.
    pub async fn edit_task(
        &self,
        buyer_id: &str,
        task_id: &str,
        edit: TaskEdit,
        now: OffsetDateTime,
    ) -> Result<Task, EditError> {
        let mut sets = vec!["updated_at = :now".to_owned()];
        let mut update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(task_key(task_id)))
            .condition_expression("buyer_id = :me AND #status = :open")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":me", string(buyer_id))
            .expression_attribute_values(":open", string(TaskStatus::Open.as_str()))
            .expression_attribute_values(":now", string(timestamp(now)));
        for (field, value) in [
            ("title", edit.title),
            ("detail", edit.detail),
            ("instructions", edit.instructions),
        ] {
            if let Some(value) = value {
                sets.push(format!("{field} = :{field}"));
                update = update.expression_attribute_values(format!(":{field}"), string(value));
            }
        }
        let result = update
            .update_expression(format!("SET {}", sets.join(", ")))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let item = output
                    .attributes
                    .context("the edited task came back empty")?;
                Ok(from_item(item).context("decoding a task")?)
            }
            Err(e) if is_condition_failed(&e) => match self.task(task_id).await? {
                Some(task) if task.buyer_id == buyer_id => Err(EditError::Closed),
                _ => Err(EditError::NotFound),
            },
            Err(e) => Err(anyhow::Error::from(e).context("editing a task").into()),
        }
    }

    /// Points an open task of `buyer_id`'s at a newly stored image; answers the image it
    /// replaced, if any, for the caller to discard.
    pub async fn set_image(
        &self,
        buyer_id: &str,
        task_id: &str,
        image_key: &str,
        now: OffsetDateTime,
    ) -> Result<Option<String>, EditError> {
        let result = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(task_key(task_id)))
            .update_expression("SET image_key = :key, has_image = :yes, updated_at = :now")
            .condition_expression("buyer_id = :me AND #status = :open")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":key", string(image_key))
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":now", string(timestamp(now)))
            .expression_attribute_values(":me", string(buyer_id))
            .expression_attribute_values(":open", string(TaskStatus::Open.as_str()))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(output) => Ok(output
                .attributes
                .and_then(|old| old.get("image_key").and_then(|k| k.as_s().ok()).cloned())),
            Err(e) if is_condition_failed(&e) => match self.task(task_id).await? {
                Some(task) if task.buyer_id == buyer_id => Err(EditError::Closed),
                _ => Err(EditError::NotFound),
            },
            Err(e) => Err(anyhow::Error::from(e)
                .context("setting a task image")
                .into()),
        }
    }
}
