//! Telling every active booker of an event something: a change of time or place, a
//! cancellation, the coming start.
//!
//! One [`NotifyBookers`] job covers one page of bookers: it queues their mails (ten per SQS
//! call) and then queues itself for the next page, so 10,000 bookers are 40 short jobs rather
//! than one long one, and a failure retries one page. Every mail's job id is the notice id plus
//! the booker, and the mailer sends each id once: a redelivered or repeated job mails nobody
//! twice.

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use bazaar_shared::jobs::{Job, JobQueue, consume};
use bazaar_shared::mail::{MailJob, MailMessage};
use bazaar_shared::{AwsClients, ConfigError, Env};
use serde::{Deserialize, Serialize};

use crate::model::EventRecord;
use crate::store::TicketStore;

/// Bookers per job, unless `NOTIFY_PAGE_SIZE` says otherwise.
const PAGE: i32 = 250;

/// "Mail this to every active booker of the event."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyBookers {
    pub event_id: String,
    /// Names the notice; each booker gets one mail per notice id.
    pub notice_id: String,
    pub subject: String,
    pub text: String,
    /// The last booker of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl NotifyBookers {
    pub fn job(self) -> Job<Self> {
        let id = match &self.after {
            Some(after) => format!("{}:after:{after}", self.notice_id),
            None => self.notice_id.clone(),
        };
        Job::with_id(id, self)
    }
}

fn when_and_where(event: &EventRecord) -> String {
    format!("It starts at {} at {}.", event.starts_at, event.venue)
}

/// The notice for a change of time or place, if there was one.
pub fn change_notice(before: &EventRecord, after: &EventRecord) -> Option<NotifyBookers> {
    if before.starts_at == after.starts_at && before.venue == after.venue {
        return None;
    }
    Some(NotifyBookers {
        event_id: after.event_id.clone(),
        notice_id: format!("event-changed:{}:v{}", after.event_id, after.version),
        subject: format!("{} has changed", after.title),
        text: format!(
            "The organizer of {} changed the event. {}",
            after.title,
            when_and_where(after)
        ),
        after: None,
    })
}

pub fn cancel_notice(event: &EventRecord) -> NotifyBookers {
    NotifyBookers {
        event_id: event.event_id.clone(),
        notice_id: format!("event-cancelled:{}", event.event_id),
        subject: format!("{} is cancelled", event.title),
        text: format!(
            "We are sorry: the organizer cancelled {}, planned for {} at {}.",
            event.title, event.starts_at, event.venue
        ),
        after: None,
    }
}

/// The reminder for the event at its current start time (a moved event is reminded again).
pub fn reminder_notice(event: &EventRecord) -> NotifyBookers {
    NotifyBookers {
        event_id: event.event_id.clone(),
        notice_id: format!("event-reminder:{}:{}", event.event_id, event.starts_ts),
        subject: format!("Reminder: {} is coming up", event.title),
        text: format!("See you soon at {}. {}", event.title, when_and_where(event)),
        after: None,
    }
}

/// The `ticket-jobs` consumer.
#[derive(Clone, Debug)]
pub struct Notifier {
    store: TicketStore,
    mail: JobQueue,
    jobs: JobQueue,
    page: i32,
}

impl Notifier {
    /// `TICKETS_TABLE`, `MAIL_QUEUE_URL`, `TICKET_JOBS_QUEUE_URL`, optional `NOTIFY_PAGE_SIZE`.
    pub fn from_env(env: &Env, aws: &AwsClients) -> Result<Self, ConfigError> {
        Ok(Self {
            page: env.parse_or("NOTIFY_PAGE_SIZE", PAGE)?,
            store: TicketStore::new(aws.dynamodb.clone(), env.required("TICKETS_TABLE")?),
            mail: JobQueue::new(aws.sqs.clone(), env.required("MAIL_QUEUE_URL")?),
            jobs: JobQueue::new(aws.sqs.clone(), env.required("TICKET_JOBS_QUEUE_URL")?),
        })
    }

    pub fn table(&self) -> &str {
        self.store.table()
    }

    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        consume(event, |body| async move {
            let job = Job::<NotifyBookers>::parse(&body)?;
            self.notify_page(&job.payload).await
        })
        .await
    }

    /// Mails one page of bookers and queues the next page.
    #[tracing::instrument(skip_all, fields(notice = %notice.notice_id, after = ?notice.after))]
    pub async fn notify_page(&self, notice: &NotifyBookers) -> anyhow::Result<()> {
        let (bookers, next) = self
            .store
            .bookers(&notice.event_id, notice.after.as_deref(), self.page)
            .await?;
        let mails: Vec<_> = bookers
            .iter()
            .map(|booker| {
                MailJob::job(
                    format!("{}:{}", notice.notice_id, booker.user_id),
                    &booker.email,
                    MailMessage::Notice {
                        subject: notice.subject.clone(),
                        text: format!(
                            "{}\n\nYour booking {}: {} seat(s).",
                            notice.text, booker.booking_id, booker.seats
                        ),
                    },
                )
            })
            .collect();
        self.mail.send_batch(&mails).await?;
        tracing::info!(
            mails = mails.len(),
            more = next.is_some(),
            "bookers notified"
        );
        if let Some(next) = next {
            let following = NotifyBookers {
                after: Some(next),
                ..notice.clone()
            };
            self.jobs.send(&following.job()).await?;
        }
        Ok(())
    }
}
