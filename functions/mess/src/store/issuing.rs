//! Paying an order: ONE transaction moves the order `created → paid`, records the payment
//! under its gateway id (`attribute_not_exists`), adds the day's and month's figures and puts
//! the order's tokens. Whoever calls it (verify, 20 verifies at once, the webhook twice), the
//! condition on the order lets exactly one through.

use anyhow::Context;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use bazaar_shared::dynamo::{Item, key, number, put_new, string, timestamp, to_item, transact};
use time::{Duration, OffsetDateTime};

use super::{MessStore, expiring_pk, new_id, order_key, payment_key, stats_pk, token_key};
use crate::gateway::GatewayPayment;
use crate::model::{OrderRecord, OrderStatus, TOKEN_LIFETIME_DAYS, TokenRecord, TokenStatus};

/// What paying an order came to.
#[derive(Debug)]
pub enum Settled {
    /// This call issued the tokens.
    Issued(OrderRecord),
    /// The order was already paid with this same payment: nothing more was issued.
    AlreadyPaid(OrderRecord),
}

/// Why a payment did not pay the order.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("the payment does not pay this order: {0}")]
    Mismatch(&'static str),
    #[error("the payment is not captured")]
    NotCaptured,
    #[error("the order was paid by another payment")]
    PaidByOther,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The actions of the transaction, in this order.
const ORDER: usize = 0;
const PAYMENT: usize = 1;

/// The figures' items a sale or a redemption changes: the day's and the month's.
pub(super) fn stats_updates(
    table: &str,
    mess_id: &str,
    now: OffsetDateTime,
    expression: &str,
    values: &[(&str, u64)],
) -> anyhow::Result<Vec<TransactWriteItem>> {
    let day = format!("DAY#{}", &timestamp(now)[..10]);
    let month = format!("MONTH#{}", &timestamp(now)[..7]);
    [day, month]
        .into_iter()
        .map(|sk| {
            let mut update = Update::builder()
                .table_name(table)
                .set_key(Some(key(stats_pk(mess_id), sk)))
                .update_expression(expression);
            for (name, value) in values {
                update = update.expression_attribute_values(*name, number(value));
            }
            let update = update.build().context("building a figures update")?;
            Ok(TransactWriteItem::builder().update(update).build())
        })
        .collect()
}

/// When tokens issued at `now` expire.
fn expiry(now: OffsetDateTime) -> OffsetDateTime {
    now + Duration::days(TOKEN_LIFETIME_DAYS)
}

impl MessStore {
    /// Pays `order` with `payment` (already fetched from, or signed by, the gateway) once.
    pub async fn settle(
        &self,
        order: &OrderRecord,
        payment: &GatewayPayment,
        now: OffsetDateTime,
    ) -> Result<Settled, IssueError> {
        if payment.order_id.as_deref() != Some(order.gateway_order_id.as_str()) {
            return Err(IssueError::Mismatch("it belongs to another order"));
        }
        if payment.amount != order.amount_minor || !payment.currency.eq(&order.currency) {
            return Err(IssueError::Mismatch("its amount differs from the order's"));
        }
        if !payment.captured || payment.status != "captured" {
            return Err(IssueError::NotCaptured);
        }
        if order.status == OrderStatus::Paid {
            return self.already(order, &payment.id).await;
        }
        let items = self.issue_items(order, payment, now)?;
        match transact(&self.db, items, "issuing tokens").await {
            Ok(()) => Ok(Settled::Issued(OrderRecord {
                status: OrderStatus::Paid,
                paid_at: Some(timestamp(now)),
                payment_id: Some(payment.id.clone()),
                tokens_expire_at: Some(timestamp(expiry(now))),
                ..order.clone()
            })),
            // Lost every race: most likely to the call that paid this very order.
            Err(e) if e.is_contended() => {
                let current = self
                    .order(&order.mess_id, &order.user_id, &order.order_id)
                    .await?;
                match current {
                    Some(paid) if paid.payment_id.as_deref() == Some(payment.id.as_str()) => {
                        Ok(Settled::AlreadyPaid(paid))
                    }
                    _ => Err(IssueError::Contention),
                }
            }
            Err(e) if e.failed_at(ORDER) || e.failed_at(PAYMENT) => {
                let current = self
                    .order(&order.mess_id, &order.user_id, &order.order_id)
                    .await?;
                let current = current.context("a paid order vanished")?;
                self.already(&current, &payment.id).await
            }
            Err(e) => Err(anyhow::Error::from(e).context("issuing tokens").into()),
        }
    }

    async fn already(&self, order: &OrderRecord, payment_id: &str) -> Result<Settled, IssueError> {
        match order.payment_id.as_deref() {
            Some(paid_with) if paid_with == payment_id => Ok(Settled::AlreadyPaid(order.clone())),
            _ => Err(IssueError::PaidByOther),
        }
    }

    fn issue_items(
        &self,
        order: &OrderRecord,
        payment: &GatewayPayment,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let expires_at = timestamp(expiry(now));
        let paid = Update::builder()
            .table_name(&self.table)
            .set_key(Some(order_key(
                &order.mess_id,
                &order.user_id,
                &order.order_id,
            )))
            .update_expression(
                "SET #status = :paid, paid_at = :now, payment_id = :payment, \
                 tokens_expire_at = :expires, gsi1pk = :expiring, gsi1sk = :expiring_sort",
            )
            .condition_expression("#status = :created")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":paid", string(OrderStatus::Paid.as_str()))
            .expression_attribute_values(":created", string(OrderStatus::Created.as_str()))
            .expression_attribute_values(":now", string(timestamp(now)))
            .expression_attribute_values(":payment", string(&payment.id))
            .expression_attribute_values(":expires", string(&expires_at))
            .expression_attribute_values(":expiring", string(expiring_pk(&expires_at)))
            .expression_attribute_values(
                ":expiring_sort",
                string(format!("{expires_at}#{}", order.order_id)),
            )
            .build()
            .context("building the order's payment")?;
        let mut record = payment_key(&order.mess_id, &payment.id);
        for (name, value) in [
            ("payment_id", &payment.id),
            ("order_id", &order.order_id),
            ("user_id", &order.user_id),
            ("currency", &order.currency),
            ("paid_at", &timestamp(now)),
        ] {
            record.insert(name.into(), string(value));
        }
        record.insert("amount_minor".into(), number(order.amount_minor));
        record.insert("tokens".into(), number(order.tokens));
        let mut items = vec![
            TransactWriteItem::builder().update(paid).build(),
            put_new(&self.table, record)?,
        ];
        items.extend(stats_updates(
            &self.table,
            &order.mess_id,
            now,
            "ADD sold :n, revenue_minor :amount",
            &[
                (":n", u64::from(order.tokens)),
                (":amount", order.amount_minor),
            ],
        )?);
        items.extend(self.token_items(order, now)?);
        Ok(items)
    }

    /// The order's tokens, all issued at `now` (one batch, one expiry).
    fn token_items(
        &self,
        order: &OrderRecord,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let expires = expiry(now);
        (0..order.tokens)
            .map(|_| {
                let token = TokenRecord {
                    token_id: new_id(),
                    mess_id: order.mess_id.clone(),
                    user_id: order.user_id.clone(),
                    order_id: order.order_id.clone(),
                    issued_at: timestamp(now),
                    expires_at: timestamp(expires),
                    expires_ts: expires.unix_timestamp(),
                    status: TokenStatus::Unredeemed,
                    redeemed_at: None,
                    submission_id: None,
                };
                let mut item: Item = to_item(&token).context("encoding a token")?;
                item.extend(token_key(&order.mess_id, &order.user_id, &token.token_id));
                put_new(&self.table, item)
            })
            .collect()
    }
}
