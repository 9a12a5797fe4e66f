//! Order listings: a customer's orders (gsi1) and the orders of a status (gsi2), newest
//! first. The indexes project every attribute, so a page is one query.

use anyhow::Context;
use bazaar_shared::dynamo::{Item, from_items, string};

use super::{ShopStore, customer_pk, status_pk};
use crate::model::{OrderRecord, OrderStatus};

/// The two ways orders are listed.
#[derive(Debug, Clone, Copy)]
pub enum OrderListing<'a> {
    /// A customer's own orders.
    Customer(&'a str),
    /// Every order now in this status (staff).
    Status(OrderStatus),
}

impl ShopStore {
    /// One page of orders, newest first, and the key to continue from.
    pub async fn orders_page(
        &self,
        listing: OrderListing<'_>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<OrderRecord>, Option<Item>)> {
        let (index, condition, partition) = match listing {
            OrderListing::Customer(user_id) => ("gsi1", "gsi1pk = :pk", customer_pk(user_id)),
            OrderListing::Status(status) => ("gsi2", "gsi2pk = :pk", status_pk(status.as_str())),
        };
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(condition)
            // Products share gsi1/gsi2 under `CAT#` partitions; these partitions hold orders only.
            .expression_attribute_values(":pk", string(partition))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("listing orders")?;
        let orders = from_items(output.items.unwrap_or_default()).context("decoding orders")?;
        Ok((orders, output.last_evaluated_key))
    }
}
