//! The shop's mails, as mail jobs with deterministic ids: the mailer sends each id once, so a
//! repeated or redelivered job never mails anyone twice.
//!
//! - `shop-order:<order>:<status>`: the customer, once per status the order reaches (an order
//!   never returns to a status);
//! - `shop-reminder:<order>`: the customer, once per order still pending after a day;
//! - `low-stock:<product>:<alert>:<staff>`: each staff member, once per alert (`alert` counts
//!   the product's alerts, so a restocked product that runs low again is a new alert).

use bazaar_shared::jobs::Job;
use bazaar_shared::mail::{MailJob, MailMessage};

use crate::model::{OrderRecord, OrderStatus, ProductRecord};

fn summary(order: &OrderRecord) -> String {
    let lines: Vec<String> = order
        .lines
        .iter()
        .map(|l| {
            format!(
                "- {} × {} ({}): {}",
                l.quantity, l.name, l.sku, l.line_total_minor
            )
        })
        .collect();
    format!(
        "{}\nTotal: {} {} (minor units).",
        lines.join("\n"),
        order.total_minor,
        order.currency
    )
}

/// The customer's mail for the status `order` has just reached.
pub fn order_mail(order: &OrderRecord, email: &str) -> Job<MailJob> {
    let id = &order.order_id;
    let (subject, lead) = match order.status {
        OrderStatus::Pending => ("We have your order", "Thank you for your order"),
        OrderStatus::Confirmed => ("Your order is confirmed", "We confirmed your order"),
        OrderStatus::Shipped => ("Your order is on its way", "We shipped your order"),
        OrderStatus::Delivered => ("Your order was delivered", "We delivered your order"),
        OrderStatus::Cancelled => ("Your order is cancelled", "Your order is cancelled"),
    };
    MailJob::job(
        format!("shop-order:{id}:{}", order.status.as_str()),
        email,
        MailMessage::Notice {
            subject: format!("{subject} ({id})"),
            text: format!("{lead}, {id}.\n\n{}", summary(order)),
        },
    )
}

/// The reminder of an order still pending.
pub fn reminder_mail(order: &OrderRecord, email: &str) -> Job<MailJob> {
    let id = &order.order_id;
    MailJob::job(
        format!("shop-reminder:{id}"),
        email,
        MailMessage::Notice {
            subject: format!("Your order {id} is still pending"),
            text: format!(
                "Your order {id}, placed {}, is still waiting for us. We will tell you as soon \
                 as it moves; you may also cancel it.\n\n{}",
                order.created_at,
                summary(order)
            ),
        },
    )
}

/// Alert number `alert` of `product`, to one staff member.
pub fn low_stock_mail(
    product: &ProductRecord,
    alert: u64,
    staff_id: &str,
    email: &str,
) -> Job<MailJob> {
    MailJob::job(
        format!("low-stock:{}:{alert}:{staff_id}", product.product_id),
        email,
        MailMessage::Notice {
            subject: format!("Low stock: {} ({})", product.name, product.sku),
            text: format!(
                "{} ({}) is down to {} in stock, below its threshold of {}.",
                product.name, product.sku, product.stock, product.low_stock_threshold
            ),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OrderLine;

    #[test]
    fn each_status_of_an_order_is_its_own_mail() {
        let mut order = OrderRecord {
            order_id: "o1".into(),
            customer_id: "u1".into(),
            status: OrderStatus::Pending,
            lines: vec![OrderLine {
                product_id: "p1".into(),
                name: "Cup".into(),
                sku: "CUP-1".into(),
                unit_price_minor: 250,
                quantity: 2,
                line_total_minor: 500,
            }],
            total_minor: 500,
            currency: "EUR".into(),
            created_at: String::new(),
            updated_at: String::new(),
            reminded_at: None,
        };
        assert_eq!(
            order_mail(&order, "a@example.com").id,
            "shop-order:o1:pending"
        );
        order.status = OrderStatus::Shipped;
        assert_eq!(
            order_mail(&order, "a@example.com").id,
            "shop-order:o1:shipped"
        );
        assert_eq!(
            reminder_mail(&order, "a@example.com").id,
            "shop-reminder:o1"
        );
    }
}
