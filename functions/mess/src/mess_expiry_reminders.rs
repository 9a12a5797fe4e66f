//! The `mess-expiry-reminders` binary: once a day, students are told, once per token batch
//! (a paid order), that tokens of it still unredeemed expire within the lead time.
//!
//! Each run reads the paid orders expiring on each day of the window (gsi1), counts the
//! batch's spendable tokens, queues a mail with the id `mess-expiry:<order>` and marks the
//! order reminded. Mail first, mark second: a crash in between repeats a mail id the mailer
//! has already sent, and a second run skips marked orders.

use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::mail::{MailJob, MailMessage};
use bazaar_shared::{Clock, ConfigError, Function, Init};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use crate::model::OrderRecord;
use crate::store::MessStore;

/// The schedule's `Input`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    #[serde(default = "default_lead_days")]
    lead_days: i64,
}

fn default_lead_days() -> i64 {
    7
}

/// The `mess-expiry-reminders` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let reminders = ExpiryReminders::from_init(init)?;
    let table = reminders.store.table().to_owned();
    Ok(
        Function::scheduled(reminders, |r, input| async move { r.run(input).await })
            .warming(&table),
    )
}

/// Mails the reminders that are due.
#[derive(Clone, Debug)]
pub struct ExpiryReminders {
    store: MessStore,
    identity: IdentityClient,
    mail: JobQueue,
    clock: Clock,
}

impl ExpiryReminders {
    /// `MESS_TABLE`, `IDENTITY_TABLE` (addresses), `MAIL_QUEUE_URL`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        let db = aws.dynamodb.clone();
        Ok(Self {
            store: MessStore::new(db.clone(), env.required("MESS_TABLE")?),
            identity: IdentityClient::new(db, env.required("IDENTITY_TABLE")?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            clock: init.clock.clone(),
        })
    }

    /// One run; reports how many batches got a reminder.
    pub async fn run(&self, input: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        let input: Input = serde_json::from_value(input)?;
        let now = self.clock.now();
        let until = now + Duration::days(input.lead_days.clamp(1, 30));
        let mut reminded = 0;
        let mut day = now;
        while day.date() <= until.date() {
            let stamp = bazaar_shared::dynamo::timestamp(day);
            for order in self.store.expiring_on(&stamp[..10]).await? {
                if self.due(&order, now, until) && self.remind(&order, now).await? {
                    reminded += 1;
                }
            }
            day += Duration::days(1);
        }
        tracing::info!(reminded, "expiry reminders sent");
        Ok(serde_json::json!({ "reminded": reminded }))
    }

    fn due(&self, order: &OrderRecord, now: OffsetDateTime, until: OffsetDateTime) -> bool {
        let expires = order.tokens_expire_at.as_deref().and_then(|at| {
            OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
        });
        order.reminded_at.is_none() && expires.is_some_and(|at| at > now && at <= until)
    }

    /// Mails the reminder if tokens of the batch are left, and marks the batch; false when
    /// nothing was mailed.
    async fn remind(&self, order: &OrderRecord, now: OffsetDateTime) -> anyhow::Result<bool> {
        let left = self.store.spendable_of(order, now).await?;
        let email = match left {
            0 => None,
            _ => self.identity.email_of(&order.user_id).await?,
        };
        if let Some(email) = &email {
            let mail = MailJob::job(
                format!("mess-expiry:{}", order.order_id),
                email,
                MailMessage::Notice {
                    subject: format!("{left} meal token(s) expire soon"),
                    text: format!(
                        "{left} of the {} meal token(s) you bought (order {}) are still \
                         unredeemed and expire at {}. Redeem them before then.",
                        order.tokens,
                        order.order_id,
                        order.tokens_expire_at.as_deref().unwrap_or_default()
                    ),
                },
            );
            self.mail.send(&mail).await?;
        }
        let marked = self.store.mark_reminded(order, now).await?;
        Ok(marked && email.is_some())
    }
}
