//! The order lifecycle: every move is ONE transaction, conditional on the status the move
//! starts from, that also moves the order in the status index. A cancellation gives every
//! line's stock back in the same transaction, so stock comes back exactly once however many
//! cancellations race.

use anyhow::Context;
use aws_sdk_dynamodb::types::{ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use bazaar_shared::dynamo::{TransactError, from_item, number, string, timestamp, transact};
use time::OffsetDateTime;

use super::{ShopStore, order_key, product_key, status_pk};
use crate::model::{OrderRecord, OrderStatus};

/// Why an order did not move.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// No such order (or, for a customer, not theirs).
    #[error("no such order")]
    NotFound,
    /// The order is in `from`, from which the move is not allowed.
    #[error("an order that is {} cannot move to {}", from.as_str(), to.as_str())]
    Refused { from: OrderStatus, to: OrderStatus },
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The status flip is the first action of a move.
const FLIP: usize = 0;

impl ShopStore {
    /// A customer cancels their own order before it ships.
    pub async fn cancel_order(
        &self,
        customer_id: &str,
        order_id: &str,
        now: OffsetDateTime,
    ) -> Result<OrderRecord, MoveError> {
        let order = match self.order(order_id).await? {
            Some(order) if order.customer_id == customer_id => order,
            _ => return Err(MoveError::NotFound),
        };
        let sources = OrderStatus::CUSTOMER_CANCELLABLE;
        self.transition(
            order,
            OrderStatus::Cancelled,
            sources,
            Some(customer_id),
            now,
        )
        .await
    }

    /// Staff move an order along `pending → confirmed → shipped → delivered`, or cancel it
    /// before delivery.
    pub async fn move_order(
        &self,
        order_id: &str,
        to: OrderStatus,
        now: OffsetDateTime,
    ) -> Result<OrderRecord, MoveError> {
        let order = self.order(order_id).await?.ok_or(MoveError::NotFound)?;
        self.transition(order, to, to.staff_sources(), None, now)
            .await
    }

    async fn transition(
        &self,
        mut order: OrderRecord,
        to: OrderStatus,
        sources: &[OrderStatus],
        owner: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<OrderRecord, MoveError> {
        if !sources.contains(&order.status) {
            return Err(MoveError::Refused {
                from: order.status,
                to,
            });
        }
        let at = timestamp(now);
        let items = self.transition_items(&order, to, sources, owner, &at)?;
        match transact(&self.db, items, "moving an order").await {
            Ok(()) => {
                order.status = to;
                order.updated_at = at;
                Ok(order)
            }
            Err(e) if e.is_contended() => Err(MoveError::Contention),
            Err(e) if e.failed_at(FLIP) => {
                let seen = e.reason(FLIP).and_then(|r| r.item.clone());
                let now_seen: Option<OrderRecord> = match seen {
                    Some(item) => Some(from_item(item).context("decoding an order")?),
                    None => self.order(&order.order_id).await?,
                };
                match now_seen {
                    Some(o) if sources.contains(&o.status) => Err(MoveError::Contention),
                    Some(o) => Err(MoveError::Refused { from: o.status, to }),
                    None => Err(MoveError::NotFound),
                }
            }
            Err(TransactError::Failed(e)) => Err(e.into()),
            Err(e) => Err(anyhow::Error::from(e).context("moving an order").into()),
        }
    }

    /// The conditional status flip, then (cancelling) one stock return per line.
    fn transition_items(
        &self,
        order: &OrderRecord,
        to: OrderStatus,
        sources: &[OrderStatus],
        owner: Option<&str>,
        at: &str,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let names: Vec<String> = (0..sources.len()).map(|i| format!(":from{i}")).collect();
        let mut condition = format!("#status IN ({})", names.join(", "));
        let mut flip = Update::builder()
            .table_name(&self.table)
            .set_key(Some(order_key(&order.order_id)))
            .update_expression("SET #status = :to, updated_at = :at, gsi2pk = :gsi2pk")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", string(to.as_str()))
            .expression_attribute_values(":at", string(at))
            .expression_attribute_values(":gsi2pk", string(status_pk(to.as_str())))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        for (name, status) in names.iter().zip(sources) {
            flip = flip.expression_attribute_values(name, string(status.as_str()));
        }
        if let Some(owner) = owner {
            condition.push_str(" AND customer_id = :me");
            flip = flip.expression_attribute_values(":me", string(owner));
        }
        let flip = flip
            .condition_expression(condition)
            .build()
            .context("building a status flip")?;
        let mut items = vec![TransactWriteItem::builder().update(flip).build()];
        if to == OrderStatus::Cancelled {
            for line in &order.lines {
                let give_back = Update::builder()
                    .table_name(&self.table)
                    .set_key(Some(product_key(&line.product_id)))
                    .update_expression("ADD stock :q")
                    .condition_expression("attribute_exists(pk)")
                    .expression_attribute_values(":q", number(line.quantity))
                    .build()
                    .context("building a stock return")?;
                items.push(TransactWriteItem::builder().update(give_back).build());
            }
        }
        Ok(items)
    }
}
