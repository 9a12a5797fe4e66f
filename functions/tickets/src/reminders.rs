//! The `ticket-reminders` schedule: about 24 hours before an event, its bookers are reminded.
//!
//! Each run (hourly) finds the published events starting within the lead time through the
//! browse index, queues one reminder fan-out per event and marks the event reminded for its
//! start time. Firing twice sends nothing twice: the mark skips the event the second time, and
//! even a run racing another queues mails whose ids the mailer has already sent.

use bazaar_shared::jobs::JobQueue;
use bazaar_shared::{AwsClients, ConfigError, Env};
use serde::Deserialize;

use crate::model::EventStatus;
use crate::notices::reminder_notice;
use crate::store::{Index, TicketStore, timestamp};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    #[serde(default = "default_lead_hours")]
    lead_hours: i64,
}

fn default_lead_hours() -> i64 {
    24
}

#[derive(Clone, Debug)]
pub struct Reminders {
    store: TicketStore,
    jobs: JobQueue,
}

impl Reminders {
    /// `TICKETS_TABLE`, `TICKET_JOBS_QUEUE_URL`.
    pub fn from_env(env: &Env, aws: &AwsClients) -> Result<Self, ConfigError> {
        Ok(Self {
            store: TicketStore::new(aws.dynamodb.clone(), env.required("TICKETS_TABLE")?),
            jobs: JobQueue::new(aws.sqs.clone(), env.required("TICKET_JOBS_QUEUE_URL")?),
        })
    }

    pub fn table(&self) -> &str {
        self.store.table()
    }

    /// One run; reports how many events got their reminder queued.
    pub async fn run(&self, input: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        let input: Input = serde_json::from_value(input)?;
        let now = crate::now();
        let (from, to) = (
            timestamp(now),
            timestamp(now + time::Duration::hours(input.lead_hours)),
        );
        let mut start = None;
        let mut reminded = 0;
        loop {
            let (ids, next) = self
                .store
                .index_page(
                    Index::Browse {
                        from: &from,
                        to: &to,
                    },
                    100,
                    start,
                )
                .await?;
            for event in self.store.events(&ids).await?.into_values() {
                let due = event.status == EventStatus::Published
                    && event.starts_ts > now.unix_timestamp()
                    && event.reminded_for.as_deref() != Some(event.starts_at.as_str());
                if !due {
                    continue;
                }
                // Queue first, then mark: a crash in between repeats a job the mailer dedups,
                // never loses a reminder.
                self.jobs.send(&reminder_notice(&event).job()).await?;
                if self
                    .store
                    .mark_reminded(&event.event_id, &event.starts_at)
                    .await?
                {
                    reminded += 1;
                }
            }
            match next {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        tracing::info!(reminded, "reminders queued");
        Ok(serde_json::json!({ "reminded": reminded }))
    }
}
