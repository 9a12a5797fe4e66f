//! Draws (uploaded winning lists), and the markers that catch a list uploaded twice.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use bazaar_shared::dynamo::{Item, cancellation_reasons, from_items, is_condition_failed, to_item};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Store, StorePage, key, s, timestamp};

/// Where a draw stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrawStatus {
    /// Uploaded; the worker has not finished it.
    Pending,
    /// Parsed, stored and matched.
    Done,
    /// Refused; `reason` says why. Nothing of it was stored.
    Failed,
}

/// A stored draw.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DrawItem {
    pub pk: String,
    pub sk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1sk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi2pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi2sk: Option<String>,
    pub draw_id: String,
    pub status: DrawStatus,
    pub file_key: String,
    pub file_sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denomination: Option<u32>,
    /// `yyyy-mm-dd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numbers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wins: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

pub fn draw_pk(draw_id: &str) -> String {
    format!("DRAW#{draw_id}")
}

pub(super) fn file_marker(sha: &str) -> Item {
    key(format!("DRAWFILE#{sha}"), "MARKER")
}

pub(super) fn draw_key_marker(denomination: u32, date: &str) -> Item {
    key(format!("DRAWKEY#{denomination}#{date}"), "MARKER")
}

impl DrawItem {
    pub fn pending(draw_id: &str, file_key: &str, sha: &str, uploaded_by: &str) -> Self {
        Self {
            pk: draw_pk(draw_id),
            sk: "DRAW".into(),
            gsi1pk: None,
            gsi1sk: None,
            gsi2pk: None,
            gsi2sk: None,
            draw_id: draw_id.to_owned(),
            status: DrawStatus::Pending,
            file_key: file_key.to_owned(),
            file_sha256: sha.to_owned(),
            uploaded_by: uploaded_by.to_owned(),
            uploaded_at: timestamp(),
            denomination: None,
            date: None,
            numbers: None,
            wins: None,
            reason: None,
            finished_at: None,
        }
    }
}

impl Store {
    /// Creates a pending draw and claims its file's hash; `Err(existing draw id)` when the same
    /// file was uploaded before.
    pub async fn create_draw(&self, draw: &DrawItem) -> anyhow::Result<Result<(), String>> {
        let mut marker = file_marker(&draw.file_sha256);
        marker.insert("draw_id".into(), s(&draw.draw_id));
        let put = |item: Item| -> anyhow::Result<TransactWriteItem> {
            Ok(TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(item))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()?,
                )
                .build())
        };
        let items = vec![put(to_item(draw)?)?, put(marker)?];
        match self
            .db
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(Ok(())),
            Err(e) if cancellation_reasons(&e).is_some() => {
                let existing = self
                    .marker_owner(file_marker(&draw.file_sha256))
                    .await?
                    .unwrap_or_default();
                Ok(Err(existing))
            }
            Err(e) => Err(e).context("creating a draw"),
        }
    }

    async fn marker_owner(&self, marker: Item) -> anyhow::Result<Option<String>> {
        let item = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(marker))
            .consistent_read(true)
            .send()
            .await
            .context("reading a marker")?
            .item;
        Ok(item
            .and_then(|i| i.get("draw_id").cloned())
            .and_then(|v| v.as_s().ok().cloned()))
    }

    pub async fn draw(&self, draw_id: &str) -> anyhow::Result<Option<DrawItem>> {
        self.get(key(draw_pk(draw_id), "DRAW"), "reading a draw")
            .await
    }

    /// Claims "the <denomination> draw of <date>" for this draw; `Err(other draw id)` when
    /// another upload already holds it. Re-claiming by the same draw succeeds (redelivery).
    pub async fn claim_draw_key(
        &self,
        draw_id: &str,
        denomination: u32,
        date: &str,
    ) -> anyhow::Result<Result<(), String>> {
        let mut marker = draw_key_marker(denomination, date);
        marker.insert("draw_id".into(), s(draw_id));
        match self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(marker))
            .condition_expression("attribute_not_exists(pk) OR draw_id = :me")
            .expression_attribute_values(":me", s(draw_id))
            .send()
            .await
        {
            Ok(_) => Ok(Ok(())),
            Err(e) if is_condition_failed(&e) => Ok(Err(self
                .marker_owner(draw_key_marker(denomination, date))
                .await?
                .unwrap_or_default())),
            Err(e) => Err(e).context("claiming a draw's denomination and date"),
        }
    }

    /// Moves a pending draw to done with its counts, listing it under its denomination and date.
    /// The last step of processing; false when the draw is no longer pending.
    pub async fn finish_draw(
        &self,
        draw_id: &str,
        denomination: u32,
        date: &str,
        numbers: u32,
        wins: u32,
    ) -> anyhow::Result<bool> {
        let sort = format!("{date}#{draw_id}");
        let update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(draw_pk(draw_id), "DRAW")))
            .update_expression(
                "SET #status = :done, denomination = :denom, #date = :date, numbers = :numbers, \
                 wins = :wins, finished_at = :now, gsi1pk = :all, gsi1sk = :sort, \
                 gsi2pk = :by_denom, gsi2sk = :sort",
            )
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#date", "date")
            .expression_attribute_values(":done", s("done"))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":denom", AttributeValue::N(denomination.to_string()))
            .expression_attribute_values(":date", s(date))
            .expression_attribute_values(":numbers", AttributeValue::N(numbers.to_string()))
            .expression_attribute_values(":wins", AttributeValue::N(wins.to_string()))
            .expression_attribute_values(":now", s(timestamp()))
            .expression_attribute_values(":all", s("DRAWS"))
            .expression_attribute_values(":sort", s(sort))
            .expression_attribute_values(":by_denom", s(format!("DRAWS#{denomination}")));
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(e).context("finishing a draw"),
        }
    }

    /// Moves a pending draw to failed with a reason, and frees its file hash so that a corrected
    /// (or, after a parser fix, the same) file can be uploaded again.
    pub async fn fail_draw(&self, draw: &DrawItem, reason: &str) -> anyhow::Result<()> {
        let update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(&draw.pk, &draw.sk)))
            .update_expression("SET #status = :failed, reason = :reason, finished_at = :now")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":failed", s("failed"))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":reason", s(reason))
            .expression_attribute_values(":now", s(timestamp()));
        match update.send().await {
            Ok(_) => {}
            Err(e) if is_condition_failed(&e) => return Ok(()),
            Err(e) => return Err(e).context("failing a draw"),
        }
        self.release_file_marker(draw).await
    }

    pub(super) async fn release_file_marker(&self, draw: &DrawItem) -> anyhow::Result<()> {
        match self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(file_marker(&draw.file_sha256)))
            .condition_expression("draw_id = :me")
            .expression_attribute_values(":me", s(&draw.draw_id))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failed(&e) => Ok(()),
            Err(e) => Err(e).context("releasing a draw file marker"),
        }
    }

    /// Done draws, newest first: all, or one denomination, optionally within a date prefix
    /// (`yyyy` or `yyyy-mm`).
    pub async fn list_draws(
        &self,
        denomination: Option<u32>,
        period: Option<&str>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<DrawItem>> {
        let (index, partition) = match denomination {
            Some(d) => ("gsi2", format!("DRAWS#{d}")),
            None => ("gsi1", "DRAWS".to_owned()),
        };
        let mut query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name(index)
            .expression_attribute_values(":pk", s(partition))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start);
        query = match period {
            Some(p) => query
                .key_condition_expression(format!("{index}pk = :pk AND begins_with({index}sk, :p)"))
                .expression_attribute_values(":p", s(p)),
            None => query.key_condition_expression(format!("{index}pk = :pk")),
        };
        let output = query.send().await.context("listing draws")?;
        Ok((
            from_items(output.items.unwrap_or_default())?,
            output.last_evaluated_key,
        ))
    }
}
