//! The winning numbers of draws: "did <denomination> <number> win" is one query on gsi1.

use anyhow::Context;
use bazaar_shared::dynamo::to_item;
use serde::{Deserialize, Serialize};

use super::draws::{DrawItem, draw_key_marker, draw_pk};
use super::{Store, key, s};
use crate::parse::Tier;

/// A winning number of a draw.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NumberItem {
    pub pk: String,
    pub sk: String,
    pub gsi1pk: String,
    pub gsi1sk: String,
    pub draw_id: String,
    pub denomination: u32,
    pub number: String,
    pub tier: Tier,
    pub amount: u64,
    pub date: String,
}

impl NumberItem {
    pub fn new(
        draw_id: &str,
        denomination: u32,
        date: &str,
        number: &str,
        tier: Tier,
        amount: u64,
    ) -> Self {
        Self {
            pk: draw_pk(draw_id),
            sk: format!("NUM#{number}"),
            gsi1pk: format!("WIN#{denomination}#{number}"),
            gsi1sk: format!("{date}#{draw_id}"),
            draw_id: draw_id.to_owned(),
            denomination,
            number: number.to_owned(),
            tier,
            amount,
            date: date.to_owned(),
        }
    }
}

impl Store {
    pub async fn put_numbers(&self, numbers: &[NumberItem]) -> anyhow::Result<()> {
        self.put_all(numbers.iter().map(to_item).collect::<Result<_, _>>()?)
            .await
    }

    /// Whether any list of this denomination is stored (done).
    pub async fn has_draws(&self, denomination: u32) -> anyhow::Result<bool> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi2")
            .key_condition_expression("gsi2pk = :pk")
            .expression_attribute_values(":pk", s(format!("DRAWS#{denomination}")))
            .limit(1)
            .send()
            .await
            .context("looking for draws of a denomination")?;
        Ok(output.count > 0)
    }

    pub async fn number(&self, draw_id: &str, number: &str) -> anyhow::Result<Option<NumberItem>> {
        self.get(
            key(draw_pk(draw_id), format!("NUM#{number}")),
            "reading a winning number",
        )
        .await
    }

    /// Every stored draw in which `<denomination> <number>` won: one indexed query.
    pub async fn winning_entries(
        &self,
        denomination: u32,
        number: &str,
    ) -> anyhow::Result<Vec<NumberItem>> {
        self.all_in_gsi1(format!("WIN#{denomination}#{number}"))
            .await
    }

    /// Deletes a draw with its numbers, its wins and its markers.
    pub async fn delete_draw(&self, draw: &DrawItem) -> anyhow::Result<()> {
        let numbers = self
            .query_all(
                self.db
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression("pk = :pk AND begins_with(sk, :num)")
                    .expression_attribute_values(":pk", s(&draw.pk))
                    .expression_attribute_values(":num", s("NUM#"))
                    .projection_expression("pk, sk"),
            )
            .await?;
        let wins = self
            .query_all(
                self.db
                    .query()
                    .table_name(&self.table)
                    .index_name("gsi2")
                    .key_condition_expression("gsi2pk = :pk")
                    .expression_attribute_values(":pk", s(format!("DRAWWIN#{}", draw.draw_id)))
                    .projection_expression("pk, sk"),
            )
            .await?;
        let mut doomed = numbers;
        doomed.extend(wins);
        if let (Some(denomination), Some(date)) = (draw.denomination, &draw.date) {
            doomed.push(draw_key_marker(denomination, date));
        }
        self.delete_all(doomed).await?;
        self.release_file_marker(draw).await?;
        // The record goes last: until then a failed delete can be retried from the draw.
        self.delete_all(vec![key(&draw.pk, &draw.sk)]).await
    }
}
