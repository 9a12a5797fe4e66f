//! The `ticket-reminders` binary: about 24 hours before an event, its bookers are reminded.
//!
//! Each run (hourly) finds the published events starting within the lead time through the
//! browse index, queues one reminder fan-out per event and marks the event reminded for its
//! start time. Firing twice sends nothing twice: the mark skips the event the second time, and
//! even a run racing another queues mails whose ids the mailer has already sent.

use bazaar_shared::jobs::JobQueue;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use serde::Deserialize;

use crate::model::{EventRecord, EventStatus, StartTime};
use crate::notices::reminder_notice;
use crate::store::{Index, TicketStore};

/// Events read per index page.
const PAGE: i32 = 100;

/// The schedule's `Input`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    #[serde(default = "default_lead_hours")]
    lead_hours: i64,
}

fn default_lead_hours() -> i64 {
    24
}

/// The `ticket-reminders` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let reminders = Reminders::from_init(init)?;
    let table = reminders.store.table().to_owned();
    Ok(
        Function::scheduled(reminders, |r, input| async move { r.run(input).await })
            .warming(&table),
    )
}

/// Queues the reminders that are due.
#[derive(Clone, Debug)]
pub struct Reminders {
    store: TicketStore,
    jobs: JobQueue,
    clock: Clock,
}

impl Reminders {
    /// `TICKETS_TABLE`, `TICKET_JOBS_QUEUE_URL`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            store: TicketStore::new(aws.dynamodb.clone(), env.required("TICKETS_TABLE")?),
            jobs: JobQueue::from_init(init, "TICKET_JOBS_QUEUE_URL")?,
            clock: init.clock.clone(),
        })
    }

    /// One run; reports how many events got their reminder queued.
    pub async fn run(&self, input: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        let input: Input = serde_json::from_value(input)?;
        let now = self.clock.now();
        let window = Index::Browse {
            from: StartTime::of(now),
            to: Some(StartTime::of(now + time::Duration::hours(input.lead_hours))),
        };
        let mut start = None;
        let mut reminded = 0;
        loop {
            let (ids, next) = self.store.index_page(window, PAGE, start).await?;
            for event in self.store.events(&ids).await?.into_values() {
                let due = event.status == EventStatus::Published
                    && event.starts_ts > now.unix_timestamp()
                    && event.reminded_for.as_deref() != Some(event.starts_at.as_str());
                if due && self.remind(&event).await? {
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

    /// Queues the event's reminder and marks it sent; false when another run marked it first.
    async fn remind(&self, event: &EventRecord) -> anyhow::Result<bool> {
        // Queue first, then mark: a crash in between repeats a job the mailer dedups, never
        // loses a reminder.
        self.jobs.send(&reminder_notice(event).job()).await?;
        self.store
            .mark_reminded(&event.event_id, &event.starts_at)
            .await
    }
}
