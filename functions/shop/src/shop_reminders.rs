//! The `shop-reminders` binary: hourly, customers are reminded of orders still pending after
//! `stale_hours` (24 in the schedule's `Input`), once per order.
//!
//! Each run pages the pending orders of the status index placed before the cut-off and not yet
//! reminded; each is marked (`reminded_at`, conditional) and only the run that wins the mark
//! mails the customer, so a second firing mails nobody twice.

use bazaar_shared::dynamo::timestamp;
use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use serde::Deserialize;

use crate::model::OrderRecord;
use crate::notices::reminder_mail;
use crate::store::ShopStore;

/// Orders read per index page.
const PAGE: i32 = 100;

/// The schedule's `Input`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    /// How long an order must have been pending (0 reminds every pending order).
    #[serde(default = "default_stale_hours")]
    stale_hours: u32,
}

fn default_stale_hours() -> u32 {
    24
}

/// The `shop-reminders` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let reminders = Reminders::from_init(init)?;
    let table = reminders.store.table().to_owned();
    Ok(
        Function::scheduled(reminders, |r, input| async move { r.run(input).await })
            .warming(&table),
    )
}

/// Reminds customers of stale pending orders.
#[derive(Clone, Debug)]
pub struct Reminders {
    store: ShopStore,
    identity: IdentityClient,
    mail: JobQueue,
    clock: Clock,
}

impl Reminders {
    /// `SHOP_TABLE`, `IDENTITY_TABLE` (customers' addresses), `MAIL_QUEUE_URL`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            store: ShopStore::new(aws.dynamodb.clone(), env.required("SHOP_TABLE")?),
            identity: IdentityClient::new(aws.dynamodb.clone(), env.required("IDENTITY_TABLE")?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            clock: init.clock.clone(),
        })
    }

    /// One run; reports how many customers were reminded.
    pub async fn run(&self, input: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        let input: Input = serde_json::from_value(input)?;
        let now = self.clock.now();
        let before = timestamp(now - time::Duration::hours(i64::from(input.stale_hours)));
        let at = timestamp(now);
        let mut reminded = 0;
        let mut start = None;
        loop {
            let (orders, next) = self.store.stale_orders_page(&before, PAGE, start).await?;
            for order in orders {
                if self.store.mark_reminded(&order.order_id, &at).await?
                    && self.remind(&order, &at).await?
                {
                    reminded += 1;
                }
            }
            match next {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        tracing::info!(reminded, "pending orders reminded");
        Ok(serde_json::json!({ "reminded": reminded }))
    }

    /// Mails the reminder of a marked order; false when the customer has no active address.
    /// If the mail cannot be queued the mark is taken back, so the next run tries again.
    async fn remind(&self, order: &OrderRecord, at: &str) -> anyhow::Result<bool> {
        let Some(email) = self.identity.email_of(&order.customer_id).await? else {
            return Ok(false);
        };
        if let Err(error) = self.mail.send(&reminder_mail(order, &email)).await {
            self.store.unmark_reminded(&order.order_id, at).await?;
            return Err(error.context("queueing a reminder"));
        }
        Ok(true)
    }
}
