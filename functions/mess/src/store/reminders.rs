//! Token batches about to expire: paid orders by the day their tokens expire (gsi1), how many
//! of a batch are still spendable, and the once-only reminder mark.

use anyhow::Context;
use bazaar_shared::dynamo::{from_items, is_condition_failed, query_all, string, timestamp};
use time::OffsetDateTime;

use super::{MessStore, order_key, tokens_pk};
use crate::model::{OrderRecord, TokenRecord};

impl MessStore {
    /// Every paid order whose tokens expire on the UTC day `day` (`yyyy-mm-dd`).
    pub async fn expiring_on(&self, day: &str) -> anyhow::Result<Vec<OrderRecord>> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :day")
            .expression_attribute_values(":day", string(format!("EXPIRING#{day}")));
        let items = query_all(query, "querying expiring orders").await?;
        from_items(items).context("decoding expiring orders")
    }

    /// How many tokens of `order` are still spendable at `now`.
    pub async fn spendable_of(
        &self,
        order: &OrderRecord,
        now: OffsetDateTime,
    ) -> anyhow::Result<usize> {
        let pk = tokens_pk(&order.mess_id, &order.user_id);
        let tokens: Vec<TokenRecord> = self.all(&pk, "TOKEN#").await?;
        Ok(tokens
            .iter()
            .filter(|t| t.order_id == order.order_id && t.spendable(now))
            .count())
    }

    /// Marks the order's batch reminded; false when it already was.
    pub async fn mark_reminded(
        &self,
        order: &OrderRecord,
        now: OffsetDateTime,
    ) -> anyhow::Result<bool> {
        let marked = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(order_key(
                &order.mess_id,
                &order.user_id,
                &order.order_id,
            )))
            .update_expression("SET reminded_at = :now")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(reminded_at)")
            .expression_attribute_values(":now", string(timestamp(now)))
            .send()
            .await;
        match marked {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(anyhow::Error::from(e).context("marking a batch reminded")),
        }
    }
}
