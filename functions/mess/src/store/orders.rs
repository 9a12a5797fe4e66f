//! Token orders: stored once the gateway made its order, with a lookup from the gateway's
//! order id (the webhook knows only that).

use anyhow::Context;
use bazaar_shared::dynamo::{Item, get_item, put_new, string, to_item, transact_or_cancelled};
use serde::Deserialize;

use super::{MessStore, PageOf, gateway_order_key, order_key, student_pk};
use crate::model::OrderRecord;

#[derive(Deserialize)]
struct GatewayPointer {
    mess_id: String,
    user_id: String,
    order_id: String,
}

impl MessStore {
    /// Stores a new order and its gateway lookup together.
    pub async fn put_order(&self, order: &OrderRecord) -> anyhow::Result<()> {
        let mut item: Item = to_item(order).context("encoding an order")?;
        item.extend(order_key(&order.mess_id, &order.user_id, &order.order_id));
        let mut pointer = gateway_order_key(&order.gateway_order_id);
        pointer.insert("mess_id".into(), string(&order.mess_id));
        pointer.insert("user_id".into(), string(&order.user_id));
        pointer.insert("order_id".into(), string(&order.order_id));
        let items = vec![put_new(&self.table, item)?, put_new(&self.table, pointer)?];
        match transact_or_cancelled(&self.db, items, "storing an order").await? {
            true => Ok(()),
            false => Err(anyhow::anyhow!(
                "order {} or gateway order {} stored twice",
                order.order_id,
                order.gateway_order_id
            )),
        }
    }

    /// One of the student's orders in their mess.
    pub async fn order(
        &self,
        mess_id: &str,
        user_id: &str,
        order_id: &str,
    ) -> anyhow::Result<Option<OrderRecord>> {
        let key = order_key(mess_id, user_id, order_id);
        get_item(&self.db, &self.table, key, "reading an order").await
    }

    /// The order made with the gateway order `gateway_order_id`, if it is ours.
    pub async fn order_by_gateway(
        &self,
        gateway_order_id: &str,
    ) -> anyhow::Result<Option<OrderRecord>> {
        let key = gateway_order_key(gateway_order_id);
        let pointer: Option<GatewayPointer> =
            get_item(&self.db, &self.table, key, "reading a gateway order").await?;
        match pointer {
            Some(p) => self.order(&p.mess_id, &p.user_id, &p.order_id).await,
            None => Ok(None),
        }
    }

    /// A page of the student's orders, newest first.
    pub async fn orders(
        &self,
        mess_id: &str,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<OrderRecord>, Option<Item>)> {
        let pk = student_pk(mess_id, user_id);
        let of = PageOf {
            pk: &pk,
            prefix: "ORDER#",
            newest_first: true,
        };
        self.page(of, limit, start).await
    }
}
