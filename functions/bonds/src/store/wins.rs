//! Win records: one per (owner, draw, bond), written once whatever re-runs; and the
//! scheduled matcher's watermark.

use anyhow::Context;
use bazaar_shared::dynamo::{Item, from_items, is_condition_failed, item_at, query_all, string};
use serde::Deserialize;

use super::keys;
use super::{Store, StorePage};
use crate::model::WinRecord;

/// Whether a win was recorded by this call or found recorded before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Now,
    Before,
}

impl Store {
    /// Records a win unless it is already recorded.
    pub async fn record_win(&self, win: &WinRecord) -> anyhow::Result<Recorded> {
        let put = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item_at(keys::win_keys(win), win)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(Recorded::Now),
            Err(error) if is_condition_failed(&error) => Ok(Recorded::Before),
            Err(error) => Err(error).context("recording a win"),
        }
    }

    /// The user's wins, the most recently uploaded draw first (draw ids are time-ordered).
    pub async fn list_wins(
        &self,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<WinRecord>> {
        let query = self
            .query(None)
            .key_condition_expression("pk = :pk AND begins_with(sk, :win)")
            .expression_attribute_values(":pk", string(keys::user_pk(user_id)))
            .expression_attribute_values(":win", string("WIN#"))
            .scan_index_forward(false);
        self.page_of(query, limit, start, "listing wins").await
    }

    /// Every win of a draw (for counting in tests and operations).
    pub async fn draw_wins(&self, draw_id: &str) -> anyhow::Result<Vec<WinRecord>> {
        let query = self
            .query(Some("gsi2"))
            .key_condition_expression("gsi2pk = :pk")
            .expression_attribute_values(":pk", string(keys::draw_wins_pk(draw_id)));
        from_items(query_all(query, "listing a draw's wins").await?)
            .context("decoding a draw's wins")
    }

    /// The scheduled matcher's watermark (a stored time), if it ever ran.
    pub async fn watermark(&self) -> anyhow::Result<Option<String>> {
        #[derive(Deserialize)]
        struct Watermark {
            until: String,
        }
        let mark: Option<Watermark> = self
            .get(keys::watermark_key(), "reading the matcher watermark")
            .await?;
        Ok(mark.map(|m| m.until))
    }

    pub async fn set_watermark(&self, until: &str) -> anyhow::Result<()> {
        let mut item = keys::watermark_key();
        item.insert("until".into(), string(until));
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .context("writing the matcher watermark")?;
        Ok(())
    }
}
