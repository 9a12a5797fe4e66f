//! The `shop-low-stock` binary: hourly, staff are mailed once each time a product's stock
//! falls below its threshold.
//!
//! Each run pages the live catalogue (gsi3) filtered to products whose alert is due. A product
//! below its threshold and not yet alerted is marked (`low_alerted_at`, conditional), and only
//! the run that wins the mark mails every `shop_staff` holder; a product back at or above its
//! threshold loses its mark (re-armed), so falling low again alerts again. Fired twice, the
//! second run finds every product marked and mails nobody.

use bazaar_shared::auth::Role;
use bazaar_shared::dynamo::timestamp;
use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use serde::Deserialize;

use crate::model::ProductRecord;
use crate::notices::low_stock_mail;
use crate::store::{Alert, ShopStore};

/// Products read per index page.
const PAGE: i32 = 100;

/// The schedule's `Input` (`{}`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {}

/// The `shop-low-stock` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let sweep = LowStock::from_init(init)?;
    let table = sweep.store.table().to_owned();
    Ok(Function::scheduled(sweep, |s, input| async move { s.run(input).await }).warming(&table))
}

/// Raises and re-arms low-stock alerts.
#[derive(Clone, Debug)]
pub struct LowStock {
    store: ShopStore,
    identity: IdentityClient,
    mail: JobQueue,
    clock: Clock,
}

impl LowStock {
    /// `SHOP_TABLE`, `IDENTITY_TABLE` (who the staff are, their addresses), `MAIL_QUEUE_URL`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            store: ShopStore::new(aws.dynamodb.clone(), env.required("SHOP_TABLE")?),
            identity: IdentityClient::new(aws.dynamodb.clone(), env.required("IDENTITY_TABLE")?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            clock: init.clock.clone(),
        })
    }

    /// One run; reports how many alerts were raised and how many re-armed.
    pub async fn run(&self, input: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        let Input {} = serde_json::from_value(input)?;
        let at = timestamp(self.clock.now());
        // Whom to tell: read once, when the first alert is won.
        let mut staff: Option<Vec<(String, String)>> = None;
        let (mut alerted, mut rearmed) = (0, 0);
        let mut start = None;
        loop {
            let (alerts, next) = self.store.alerts_page(PAGE, start).await?;
            for alert in alerts {
                match alert {
                    Alert::Rearm(p) => {
                        rearmed += usize::from(self.store.rearm_alert(&p.product_id).await?)
                    }
                    Alert::Raise(p) => {
                        let Some(number) = self.store.raise_alert(&p.product_id, &at).await? else {
                            continue;
                        };
                        if staff.is_none() {
                            staff = Some(self.staff().await?);
                        }
                        let recipients = staff.as_deref().unwrap_or_default();
                        self.tell(&p, number, recipients, &at).await?;
                        alerted += 1;
                    }
                }
            }
            match next {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        tracing::info!(alerted, rearmed, "low-stock sweep");
        Ok(serde_json::json!({ "alerted": alerted, "rearmed": rearmed }))
    }

    /// Every active staff member: id and address.
    async fn staff(&self) -> anyhow::Result<Vec<(String, String)>> {
        let mut staff = Vec::new();
        for user_id in self.identity.holders_of(Role::ShopStaff).await? {
            if let Some(email) = self.identity.email_of(&user_id).await? {
                staff.push((user_id, email));
            }
        }
        Ok(staff)
    }

    /// Mails alert `number` of `product` to the staff; if the mails cannot be queued the mark
    /// is taken back, so the next run alerts again rather than never.
    async fn tell(
        &self,
        product: &ProductRecord,
        number: u64,
        staff: &[(String, String)],
        at: &str,
    ) -> anyhow::Result<()> {
        let mails: Vec<_> = staff
            .iter()
            .map(|(user_id, email)| low_stock_mail(product, number, user_id, email))
            .collect();
        if let Err(error) = self.mail.send_batch(&mails).await {
            self.store.withdraw_alert(&product.product_id, at).await?;
            return Err(error.context("queueing low-stock mails"));
        }
        Ok(())
    }
}
