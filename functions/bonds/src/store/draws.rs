//! Draws (uploaded winning lists), and the markers that catch a list uploaded twice: by file
//! content (`DRAWFILE#`, at upload) and by denomination and date (`DRAWKEY#`, once parsed).

use anyhow::Context;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure;
use bazaar_shared::dynamo::{
    Item, is_condition_failed, item_at, number, put_new, string, transact,
};
use time::OffsetDateTime;

use super::keys::{self, ALL_DRAWS_PK};
use super::{Store, StorePage};
use crate::model::{DrawRecord, DrawStatus};

/// Why an upload was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum CreateDrawError {
    /// The same file was uploaded before, as draw `existing`.
    #[error("the file was uploaded before, as draw {existing}")]
    Duplicate { existing: String },
    #[error("the file's marker is busy")]
    Busy,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Why "the <denomination> draw of <date>" could not be claimed.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// Another upload holds it: draw `by`.
    #[error("already stored as draw {by}")]
    Taken { by: String },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Why a draw did not move to done or failed.
#[derive(Debug, thiserror::Error)]
pub enum DrawChangeError {
    /// It was no longer pending (another run finished it, or it is gone).
    #[error("the draw is no longer pending")]
    NotPending,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The `draw_id` a marker names.
fn owner_of(marker: &Item) -> String {
    marker
        .get("draw_id")
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default()
}

impl Store {
    /// Creates a pending draw and claims its file's hash, in one transaction.
    pub async fn create_draw(&self, draw: &DrawRecord) -> Result<(), CreateDrawError> {
        let mut marker = keys::file_marker(&draw.file_sha256);
        marker.insert("draw_id".into(), string(&draw.draw_id));
        let items = vec![
            put_new(&self.table, item_at(keys::draw_key(&draw.draw_id), draw)?)?,
            put_new(&self.table, marker)?,
        ];
        match transact(&self.db, items, "creating a draw").await {
            Ok(()) => Ok(()),
            Err(error) if error.is_contended() => Err(CreateDrawError::Busy),
            Err(error) if error.failed_at(1) => {
                let existing = match error.reason(1).and_then(|r| r.item.as_ref()) {
                    Some(marker) => owner_of(marker),
                    None => {
                        self.marker_owner(keys::file_marker(&draw.file_sha256))
                            .await?
                    }
                };
                Err(CreateDrawError::Duplicate { existing })
            }
            Err(error) => Err(anyhow::Error::from(error).context("creating a draw").into()),
        }
    }

    async fn marker_owner(&self, marker: Item) -> anyhow::Result<String> {
        #[derive(serde::Deserialize)]
        struct Marker {
            draw_id: String,
        }
        let marker: Option<Marker> = self.get(marker, "reading a marker").await?;
        Ok(marker.map(|m| m.draw_id).unwrap_or_default())
    }

    pub async fn draw(&self, draw_id: &str) -> anyhow::Result<Option<DrawRecord>> {
        self.get(keys::draw_key(draw_id), "reading a draw").await
    }

    /// Claims "the <denomination> draw of <date>" for this draw. Re-claiming by the same draw
    /// succeeds (a redelivered job).
    pub async fn claim_draw_key(
        &self,
        draw_id: &str,
        denomination: u32,
        date: &str,
    ) -> Result<(), ClaimError> {
        let mut marker = keys::draw_key_marker(denomination, date);
        marker.insert("draw_id".into(), string(draw_id));
        let put = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(marker))
            .condition_expression("attribute_not_exists(pk) OR draw_id = :me")
            .expression_attribute_values(":me", string(draw_id))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failed(&error) => {
                let by = match old_item(&error) {
                    Some(marker) => owner_of(&marker),
                    None => {
                        self.marker_owner(keys::draw_key_marker(denomination, date))
                            .await?
                    }
                };
                Err(ClaimError::Taken { by })
            }
            Err(error) => Err(anyhow::Error::new(error)
                .context("claiming a draw's denomination and date")
                .into()),
        }
    }

    /// Moves a pending draw to done with its counts, listing it under its denomination and date.
    /// The last step of processing.
    pub async fn finish_draw(
        &self,
        draw_id: &str,
        denomination: u32,
        date: &str,
        counts: (u32, u32),
        now: OffsetDateTime,
    ) -> Result<(), DrawChangeError> {
        let (numbers, wins) = counts;
        let update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::draw_key(draw_id)))
            .update_expression(
                "SET #status = :done, denomination = :denom, #date = :date, numbers = :numbers, \
                 wins = :wins, finished_at = :now, gsi1pk = :all, gsi1sk = :sort, \
                 gsi2pk = :by_denom, gsi2sk = :sort",
            )
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#date", "date")
            .expression_attribute_values(":done", string(DrawStatus::Done.as_str()))
            .expression_attribute_values(":pending", string(DrawStatus::Pending.as_str()))
            .expression_attribute_values(":denom", number(denomination))
            .expression_attribute_values(":date", string(date))
            .expression_attribute_values(":numbers", number(numbers))
            .expression_attribute_values(":wins", number(wins))
            .expression_attribute_values(":now", string(bazaar_shared::dynamo::timestamp(now)))
            .expression_attribute_values(":all", string(ALL_DRAWS_PK))
            .expression_attribute_values(":sort", string(keys::draw_sort(date, draw_id)))
            .expression_attribute_values(
                ":by_denom",
                string(keys::denomination_draws_pk(denomination)),
            );
        match update.send().await {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failed(&error) => Err(DrawChangeError::NotPending),
            Err(error) => Err(anyhow::Error::new(error).context("finishing a draw").into()),
        }
    }

    /// Moves a pending draw to failed with a reason, and frees its file hash so that a corrected
    /// (or, after a parser fix, the same) file can be uploaded again.
    pub async fn fail_draw(
        &self,
        draw: &DrawRecord,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(), DrawChangeError> {
        let update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::draw_key(&draw.draw_id)))
            .update_expression("SET #status = :failed, reason = :reason, finished_at = :now")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":failed", string(DrawStatus::Failed.as_str()))
            .expression_attribute_values(":pending", string(DrawStatus::Pending.as_str()))
            .expression_attribute_values(":reason", string(reason))
            .expression_attribute_values(":now", string(bazaar_shared::dynamo::timestamp(now)));
        match update.send().await {
            Ok(_) => Ok(self.release_file_marker(draw).await?),
            Err(error) if is_condition_failed(&error) => Err(DrawChangeError::NotPending),
            Err(error) => Err(anyhow::Error::new(error).context("failing a draw").into()),
        }
    }

    /// Frees a draw's file hash, if this draw still holds it.
    pub(super) async fn release_file_marker(&self, draw: &DrawRecord) -> anyhow::Result<()> {
        let delete = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::file_marker(&draw.file_sha256)))
            .condition_expression("draw_id = :me")
            .expression_attribute_values(":me", string(&draw.draw_id))
            .send()
            .await;
        match delete {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failed(&error) => Ok(()),
            Err(error) => Err(error).context("releasing a draw file marker"),
        }
    }

    /// Done draws, newest first: all, or one denomination, optionally within a date prefix
    /// (`yyyy-` or `yyyy-mm-`).
    pub async fn list_draws(
        &self,
        denomination: Option<u32>,
        period: Option<&str>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<DrawRecord>> {
        let (index, partition) = match denomination {
            Some(d) => ("gsi2", keys::denomination_draws_pk(d)),
            None => ("gsi1", ALL_DRAWS_PK.to_owned()),
        };
        let query = self
            .query(Some(index))
            .expression_attribute_values(":pk", string(partition))
            .scan_index_forward(false);
        let query = match period {
            Some(p) => query
                .key_condition_expression(format!("{index}pk = :pk AND begins_with({index}sk, :p)"))
                .expression_attribute_values(":p", string(p)),
            None => query.key_condition_expression(format!("{index}pk = :pk")),
        };
        self.page_of(query, limit, start, "listing draws").await
    }
}

/// The item a failed conditional put found, when DynamoDB returned it.
fn old_item(error: &SdkError<PutItemError>) -> Option<Item> {
    match error.as_service_error()? {
        PutItemError::ConditionalCheckFailedException(failed) => failed.item().cloned(),
        _ => None,
    }
}
