//! In-app notifications: written in the transaction of the decision they tell of (so a
//! decision applied once notifies once), or, for a filled task, once by a conditional put of
//! a notification whose id is the task's.

use anyhow::Context;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use bazaar_shared::dynamo::{
    Item, from_items, key, put_new, string, timestamp, to_item, transact_or_cancelled,
};
use time::OffsetDateTime;

use super::{NanoStore, new_id, user_pk};
use crate::model::{NoticeKind, Notification};

fn notice_item(user_id: &str, notice: &Notification) -> anyhow::Result<Item> {
    let mut item: Item = to_item(notice).context("encoding a notification")?;
    item.extend(key(
        user_pk(user_id),
        format!("NOTE#{}", notice.notification_id),
    ));
    Ok(item)
}

fn notice(
    id: String,
    kind: NoticeKind,
    text: String,
    reference: &str,
    now: OffsetDateTime,
) -> Notification {
    Notification {
        notification_id: id,
        kind,
        text,
        reference: reference.to_owned(),
        created_at: timestamp(now),
    }
}

impl NanoStore {
    /// A notification for `user_id`, to go in the transaction of what it tells.
    pub(super) fn notice_put(
        &self,
        user_id: &str,
        kind: NoticeKind,
        text: String,
        reference: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<TransactWriteItem> {
        let item = notice_item(user_id, &notice(new_id(), kind, text, reference, now))?;
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .context("building a notification put")?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Tells the buyer their task is filled, once per task: `true` when this call told them.
    pub async fn notify_filled(
        &self,
        buyer_id: &str,
        task_id: &str,
        title: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<bool> {
        let text = format!("Every slot of your task \"{title}\" is filled.");
        // v7 ids sort by time; this one sorts with the moment it was first written.
        let id = format!("{}-filled-{task_id}", new_id());
        let item = notice_item(
            buyer_id,
            &notice(id, NoticeKind::TaskFilled, text, task_id, now),
        )?;
        // The marker makes it once per task, whatever races or retries.
        let mut marker = key(format!("TASK#{task_id}"), "FILLED");
        marker.insert("notified_at".into(), string(timestamp(now)));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .context("building a notification put")?;
        let items = vec![
            put_new(&self.table, marker)?,
            TransactWriteItem::builder().put(put).build(),
        ];
        transact_or_cancelled(&self.db, items, "notifying a filled task").await
    }

    /// One page of `user_id`'s notifications, newest first.
    pub async fn notifications(
        &self,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<Notification>, Option<Item>)> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :note)")
            .expression_attribute_values(":pk", string(user_pk(user_id)))
            .expression_attribute_values(":note", string("NOTE#"))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("listing notifications")?;
        let items =
            from_items(output.items.unwrap_or_default()).context("decoding notifications")?;
        Ok((items, output.last_evaluated_key))
    }
}
