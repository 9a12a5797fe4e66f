//! The winning numbers of draws ("did <denomination> <number> win" is one query on gsi1), and
//! the deletion of a draw with everything it brought.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, WriteRequest};
use bazaar_shared::dynamo::{
    Item, batch_get, batch_put, batch_write, from_item, item_at, query_all, string,
};

use super::Store;
use super::keys;
use crate::model::{DrawRecord, NumberRecord};

/// A delete request for the item with `key` (extra attributes are dropped).
fn delete_request(mut key: Item) -> anyhow::Result<WriteRequest> {
    key.retain(|name, _| name == "pk" || name == "sk");
    let delete = DeleteRequest::builder().set_key(Some(key)).build()?;
    Ok(WriteRequest::builder().delete_request(delete).build())
}

impl Store {
    /// Stores a draw's winning numbers (plain puts: a redelivered job writes the same items).
    pub async fn put_numbers(&self, numbers: &[NumberRecord]) -> anyhow::Result<()> {
        let items = numbers
            .iter()
            .map(|entry| item_at(keys::number_keys(entry), entry))
            .collect::<anyhow::Result<Vec<_>>>()?;
        batch_put(&self.db, &self.table, items, "storing winning numbers").await
    }

    /// Whether any list of this denomination is stored (done).
    pub async fn has_draws(&self, denomination: u32) -> anyhow::Result<bool> {
        let output = self
            .query(Some("gsi2"))
            .key_condition_expression("gsi2pk = :pk")
            .expression_attribute_values(":pk", string(keys::denomination_draws_pk(denomination)))
            .limit(1)
            .send()
            .await
            .context("looking for draws of a denomination")?;
        Ok(output.count > 0)
    }

    /// A draw and `number`'s entry in it, with one `BatchGetItem` (both keys are known, both
    /// items live in the draw's partition): `(draw, entry)`.
    pub async fn draw_with_number(
        &self,
        draw_id: &str,
        number: &str,
    ) -> anyhow::Result<(Option<DrawRecord>, Option<NumberRecord>)> {
        let what = "reading a draw and a number";
        let keys = vec![keys::draw_key(draw_id), keys::number_key(draw_id, number)];
        let (mut draw, mut entry) = (None, None);
        for item in batch_get(&self.db, &self.table, keys, what).await? {
            let is_draw =
                matches!(item.get("sk"), Some(AttributeValue::S(sk)) if sk == keys::DRAW_SK);
            if is_draw {
                draw = Some(from_item(item).context(what)?);
            } else {
                entry = Some(from_item(item).context(what)?);
            }
        }
        Ok((draw, entry))
    }

    /// Every stored draw in which `<denomination> <number>` won: one indexed query.
    pub async fn winning_entries(
        &self,
        denomination: u32,
        number: &str,
    ) -> anyhow::Result<Vec<NumberRecord>> {
        self.all_in_gsi1(keys::winning_pk(denomination, number))
            .await
    }

    /// Deletes a draw with its numbers, its wins and its markers.
    pub async fn delete_draw(&self, draw: &DrawRecord) -> anyhow::Result<()> {
        let numbers = query_all(
            self.query(None)
                .key_condition_expression("pk = :pk AND begins_with(sk, :num)")
                .expression_attribute_values(":pk", string(keys::draw_pk(&draw.draw_id)))
                .expression_attribute_values(":num", string("NUM#"))
                .projection_expression("pk, sk"),
            "listing a draw's numbers",
        );
        let wins = query_all(
            self.query(Some("gsi2"))
                .key_condition_expression("gsi2pk = :pk")
                .expression_attribute_values(":pk", string(keys::draw_wins_pk(&draw.draw_id)))
                .projection_expression("pk, sk"),
            "listing a draw's wins",
        );
        let mut doomed = numbers.await?;
        doomed.extend(wins.await?);
        if let (Some(denomination), Some(date)) = (draw.denomination, &draw.date) {
            doomed.push(keys::draw_key_marker(denomination, date));
        }
        self.delete_all(doomed).await?;
        self.release_file_marker(draw).await?;
        // The record goes last: until then a failed delete can be retried from the draw.
        self.delete_all(vec![keys::draw_key(&draw.draw_id)]).await
    }

    async fn delete_all(&self, keys: Vec<Item>) -> anyhow::Result<()> {
        let requests = keys
            .into_iter()
            .map(delete_request)
            .collect::<anyhow::Result<Vec<_>>>()?;
        batch_write(&self.db, &self.table, requests, "deleting a draw's items").await
    }
}
