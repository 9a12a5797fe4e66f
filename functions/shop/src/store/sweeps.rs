//! What the hourly sweeps read and mark: products whose low-stock alert must be raised or
//! armed again, and pending orders old enough for a reminder. Every mark is a conditional
//! write, so of two runs at once only one wins each product or order.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use bazaar_shared::dynamo::{Item, from_items, is_condition_failed, number, string};

use super::{CATALOG, ShopStore, order_key, product_key, status_pk};
use crate::model::{OrderRecord, OrderStatus, ProductRecord};

/// A live product whose low-stock alert state is due to change.
#[derive(Debug, Clone)]
pub enum Alert {
    /// Stock is below the threshold and staff were not told yet.
    Raise(ProductRecord),
    /// Stock is back at or above the threshold: the next fall alerts again.
    Rearm(ProductRecord),
}

/// Below the threshold and not alerted, or back above it and still marked alerted.
const ALERT_DUE: &str = "(stock < low_stock_threshold AND attribute_not_exists(low_alerted_at)) \
     OR (stock >= low_stock_threshold AND attribute_exists(low_alerted_at))";

impl ShopStore {
    /// One page of the live catalogue (gsi3), filtered to the products whose alert is due.
    pub async fn alerts_page(
        &self,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<Alert>, Option<Item>)> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi3")
            .key_condition_expression("gsi3pk = :pk")
            .filter_expression(ALERT_DUE)
            .expression_attribute_values(":pk", string(CATALOG))
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("reading the catalogue for alerts")?;
        let products: Vec<ProductRecord> =
            from_items(output.items.unwrap_or_default()).context("decoding products")?;
        let alerts = products
            .into_iter()
            .map(|p| match p.low_alerted_at {
                None => Alert::Raise(p),
                Some(_) => Alert::Rearm(p),
            })
            .collect();
        Ok((alerts, output.last_evaluated_key))
    }

    /// Marks the product alerted at `at`; the number of this alert when this call won it,
    /// `None` when it was already marked, restocked or deleted meanwhile.
    pub async fn raise_alert(&self, product_id: &str, at: &str) -> anyhow::Result<Option<u64>> {
        let output = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(product_key(product_id)))
            .update_expression("SET low_alerted_at = :at ADD low_alerts :one")
            .condition_expression(
                "attribute_exists(pk) AND attribute_not_exists(deleted_at) \
                 AND attribute_not_exists(low_alerted_at) AND stock < low_stock_threshold",
            )
            .expression_attribute_values(":at", string(at))
            .expression_attribute_values(":one", number(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match output {
            Ok(output) => match output.attributes().and_then(|a| a.get("low_alerts")) {
                Some(AttributeValue::N(n)) => Ok(Some(n.parse().context("an alert count")?)),
                _ => anyhow::bail!("the alert count did not come back"),
            },
            Err(error) if is_condition_failed(&error) => Ok(None),
            Err(error) => Err(error).context("raising a low-stock alert"),
        }
    }

    /// Takes back this run's alert mark (its mails could not be queued), so the next run
    /// tries again.
    pub async fn withdraw_alert(&self, product_id: &str, at: &str) -> anyhow::Result<()> {
        self.unmark(product_key(product_id), "low_alerted_at", at)
            .await
    }

    /// Arms the alert again; false when another run did, or the stock fell again.
    pub async fn rearm_alert(&self, product_id: &str) -> anyhow::Result<bool> {
        let output = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(product_key(product_id)))
            .update_expression("REMOVE low_alerted_at")
            .condition_expression(
                "attribute_exists(low_alerted_at) AND stock >= low_stock_threshold",
            )
            .send()
            .await;
        match output {
            Ok(_) => Ok(true),
            Err(error) if is_condition_failed(&error) => Ok(false),
            Err(error) => Err(error).context("re-arming a low-stock alert"),
        }
    }

    /// One page of orders pending since `before` or earlier, oldest first, not yet reminded.
    pub async fn stale_orders_page(
        &self,
        before: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<OrderRecord>, Option<Item>)> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi2")
            .key_condition_expression("gsi2pk = :pk AND gsi2sk <= :before")
            .filter_expression("attribute_not_exists(reminded_at)")
            .expression_attribute_values(":pk", string(status_pk(OrderStatus::Pending.as_str())))
            // `~` sorts after `#<id>`: orders placed exactly at `before` are in.
            .expression_attribute_values(":before", string(format!("{before}#~")))
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("listing stale orders")?;
        let orders = from_items(output.items.unwrap_or_default()).context("decoding orders")?;
        Ok((orders, output.last_evaluated_key))
    }

    /// Marks a still-pending order reminded; false when another run did, or it moved on.
    pub async fn mark_reminded(&self, order_id: &str, at: &str) -> anyhow::Result<bool> {
        let output = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(order_key(order_id)))
            .update_expression("SET reminded_at = :at")
            .condition_expression("attribute_not_exists(reminded_at) AND #status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":at", string(at))
            .expression_attribute_values(":pending", string(OrderStatus::Pending.as_str()))
            .send()
            .await;
        match output {
            Ok(_) => Ok(true),
            Err(error) if is_condition_failed(&error) => Ok(false),
            Err(error) => Err(error).context("marking a reminder"),
        }
    }

    /// Takes back this run's reminder mark (its mail could not be queued).
    pub async fn unmark_reminded(&self, order_id: &str, at: &str) -> anyhow::Result<()> {
        self.unmark(order_key(order_id), "reminded_at", at).await
    }

    /// Removes `attribute` if it still holds `at` (this run's mark).
    async fn unmark(&self, key: Item, attribute: &str, at: &str) -> anyhow::Result<()> {
        let output = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .update_expression("REMOVE #mark")
            .condition_expression("#mark = :at")
            .expression_attribute_names("#mark", attribute)
            .expression_attribute_values(":at", string(at))
            .send()
            .await;
        match output {
            Ok(_) => Ok(()),
            Err(error) if is_condition_failed(&error) => Ok(()),
            Err(error) => Err(error).context("taking back a mark"),
        }
    }
}
