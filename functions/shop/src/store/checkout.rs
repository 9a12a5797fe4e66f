//! Checkout: each order is ONE transaction, so stock is never oversold whatever runs at the
//! same time: per line a conditional decrement (the product exists, is not deleted, is still
//! at the price the order was priced with, and holds the quantity), then the order itself.
//! All or nothing: an order with one short line changes no stock at all.

use anyhow::Context;
use aws_sdk_dynamodb::types::{ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use bazaar_shared::dynamo::{
    Item, TransactError, from_item, number, put_new, string, timestamp, to_item, transact,
};
use time::OffsetDateTime;

use super::{ShopStore, created_sort_key, customer_pk, order_key, product_key, status_pk};
use crate::model::{OrderLine, OrderRecord, OrderStatus, ProductRecord};

/// Why an order was not placed.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// Unknown or deleted: it cannot be ordered.
    #[error("product {product_id} is unavailable")]
    Unavailable { product_id: String },
    #[error("the products are priced in more than one currency")]
    MixedCurrency,
    /// The price is not the one the cart showed (or moved while the order was placed).
    #[error("the price of {product_id} is now {price_minor}")]
    PriceChanged {
        product_id: String,
        price_minor: u64,
    },
    /// `line` (its index in the order) asks for more than `available`.
    #[error("only {available} of {product_id} left")]
    OutOfStock {
        line: usize,
        product_id: String,
        available: u64,
    },
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl ShopStore {
    /// Places the order of `lines`, priced from products read just before, or says which
    /// line stopped it.
    pub async fn place_order(
        &self,
        customer_id: &str,
        lines: Vec<OrderLine>,
        currency: &str,
        now: OffsetDateTime,
    ) -> Result<OrderRecord, OrderError> {
        let at = timestamp(now);
        let record = OrderRecord {
            order_id: uuid::Uuid::now_v7().to_string(),
            customer_id: customer_id.to_owned(),
            status: OrderStatus::Pending,
            total_minor: lines.iter().map(|l| l.line_total_minor).sum(),
            lines,
            currency: currency.to_owned(),
            created_at: at.clone(),
            updated_at: at,
            reminded_at: None,
        };
        let items = self.order_items(&record)?;
        let error = match transact(&self.db, items, "placing an order").await {
            Ok(()) => return Ok(record),
            Err(error) => error,
        };
        if error.is_contended() {
            return Err(OrderError::Contention);
        }
        if let TransactError::Failed(error) = error {
            return Err(error.into());
        }
        match failed_line(&error, record.lines.len())? {
            Some((i, Some(seen))) => Err(explain(i, &record.lines[i], Some(&seen))),
            // The old item did not come back: the product is gone, or the store left it out.
            Some((i, None)) => {
                let now_seen = self.product(&record.lines[i].product_id).await?;
                Err(explain(i, &record.lines[i], now_seen.as_ref()))
            }
            None => Err(anyhow::Error::from(error)
                .context("an order cancelled for another reason")
                .into()),
        }
    }

    /// One conditional decrement per line (in line order), then the order put.
    fn order_items(&self, order: &OrderRecord) -> anyhow::Result<Vec<TransactWriteItem>> {
        let mut items = Vec::with_capacity(order.lines.len() + 1);
        for line in &order.lines {
            let decrement = Update::builder()
                .table_name(&self.table)
                .set_key(Some(product_key(&line.product_id)))
                .update_expression("SET stock = stock - :q")
                .condition_expression(
                    "attribute_exists(pk) AND attribute_not_exists(deleted_at) \
                     AND stock >= :q AND price_minor = :p",
                )
                .expression_attribute_values(":q", number(line.quantity))
                .expression_attribute_values(":p", number(line.unit_price_minor))
                // The product as the failed condition saw it says which rule stopped the line.
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build()
                .context("building a stock decrement")?;
            items.push(TransactWriteItem::builder().update(decrement).build());
        }
        let mut item: Item = to_item(order).context("encoding an order")?;
        item.extend(order_key(&order.order_id));
        let by_created = created_sort_key(&order.created_at, &order.order_id);
        for (name, value) in [
            ("gsi1pk", customer_pk(&order.customer_id)),
            ("gsi1sk", by_created.clone()),
            ("gsi2pk", status_pk(order.status.as_str())),
            ("gsi2sk", by_created),
        ] {
            item.insert(name.into(), string(value));
        }
        items.push(put_new(&self.table, item)?);
        Ok(items)
    }
}

/// The first of `lines` lines whose condition failed, with the product as it saw it when
/// DynamoDB returned it.
pub(super) fn failed_line(
    error: &TransactError,
    lines: usize,
) -> anyhow::Result<Option<(usize, Option<ProductRecord>)>> {
    let Some(i) = (0..lines).find(|&i| error.failed_at(i)) else {
        return Ok(None);
    };
    let seen = error.reason(i).and_then(|r| r.item.clone());
    let product = seen
        .map(from_item)
        .transpose()
        .context("decoding a product")?;
    Ok(Some((i, product)))
}

/// Why line `index` could not be served, from the product as its condition saw it.
pub fn explain(index: usize, line: &OrderLine, seen: Option<&ProductRecord>) -> OrderError {
    let product_id = line.product_id.clone();
    match seen {
        Some(p) if p.is_live() && p.price_minor != line.unit_price_minor => {
            OrderError::PriceChanged {
                product_id,
                price_minor: p.price_minor,
            }
        }
        Some(p) if p.is_live() => OrderError::OutOfStock {
            line: index,
            product_id,
            available: p.stock,
        },
        _ => OrderError::Unavailable { product_id },
    }
}
