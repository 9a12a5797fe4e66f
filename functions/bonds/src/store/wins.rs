//! Win records: one per (owner, draw, bond), written once whatever re-runs; and the
//! scheduled matcher's watermark.

use anyhow::Context;
use bazaar_shared::dynamo::{Item, from_items, is_condition_failed, to_item};
use serde::{Deserialize, Serialize};

use super::{BondItem, NumberItem, Store, StorePage, key, s, timestamp, user_pk};
use crate::parse::Tier;

/// A stored win.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WinItem {
    pub pk: String,
    pub sk: String,
    pub gsi2pk: String,
    pub gsi2sk: String,
    pub user_id: String,
    pub draw_id: String,
    pub draw_date: String,
    pub denomination: u32,
    pub number: String,
    pub tier: Tier,
    pub amount: u64,
    pub recorded_at: String,
}

impl WinItem {
    /// The win of `bond` in the draw that `entry` belongs to; its key is deterministic.
    pub fn new(bond: &BondItem, entry: &NumberItem) -> Self {
        let (user, denom, number) = (&bond.user_id, bond.denomination, &bond.number);
        Self {
            pk: user_pk(user),
            sk: format!("WIN#{}#{denom}#{number}", entry.draw_id),
            gsi2pk: format!("DRAWWIN#{}", entry.draw_id),
            gsi2sk: format!("USER#{user}#{denom}#{number}"),
            user_id: user.clone(),
            draw_id: entry.draw_id.clone(),
            draw_date: entry.date.clone(),
            denomination: denom,
            number: number.clone(),
            tier: entry.tier,
            amount: entry.amount,
            recorded_at: timestamp(),
        }
    }
}

impl Store {
    /// Records a win unless it is already recorded; true when this call recorded it.
    pub async fn record_win(&self, win: &WinItem) -> anyhow::Result<bool> {
        match self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(win)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(e).context("recording a win"),
        }
    }

    /// The user's wins, the most recently uploaded draw first (draw ids are time-ordered).
    pub async fn list_wins(
        &self,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<WinItem>> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :win)")
            .expression_attribute_values(":pk", s(user_pk(user_id)))
            .expression_attribute_values(":win", s("WIN#"))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("listing wins")?;
        Ok((
            from_items(output.items.unwrap_or_default())?,
            output.last_evaluated_key,
        ))
    }

    /// Every win of a draw (for counting in tests and operations).
    pub async fn draw_wins(&self, draw_id: &str) -> anyhow::Result<Vec<WinItem>> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi2")
            .key_condition_expression("gsi2pk = :pk")
            .expression_attribute_values(":pk", s(format!("DRAWWIN#{draw_id}")));
        Ok(from_items(self.query_all(query).await?)?)
    }

    /// The scheduled matcher's watermark (RFC 3339), if it ever ran.
    pub async fn watermark(&self) -> anyhow::Result<Option<String>> {
        let item = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key("MATCHER", "WATERMARK")))
            .consistent_read(true)
            .send()
            .await
            .context("reading the matcher watermark")?
            .item;
        item.and_then(|i| i.get("until").cloned())
            .map(from_item_value)
            .transpose()
    }

    pub async fn set_watermark(&self, until: &str) -> anyhow::Result<()> {
        let mut item = key("MATCHER", "WATERMARK");
        item.insert("until".into(), s(until));
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

fn from_item_value(value: aws_sdk_dynamodb::types::AttributeValue) -> anyhow::Result<String> {
    Ok(value
        .as_s()
        .map_err(|_| anyhow::anyhow!("the watermark is not a string"))?
        .clone())
}
