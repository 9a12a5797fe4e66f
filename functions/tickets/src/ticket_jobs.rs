//! The `ticket-jobs` binary: an SQS consumer that mails one page of an event's bookers per
//! [`NotifyBookers`] job and queues the job of the next page (see [`crate::notices`]).

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use bazaar_shared::jobs::{Job, JobQueue, consume};
use bazaar_shared::mail::{MailJob, MailMessage};
use bazaar_shared::{ConfigError, Function, Init};

use crate::notices::NotifyBookers;
use crate::store::TicketStore;

/// Bookers per job, unless `NOTIFY_PAGE_SIZE` says otherwise.
const PAGE: i32 = 250;

/// The `ticket-jobs` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let notifier = Notifier::from_init(init)?;
    let table = notifier.store.table().to_owned();
    Ok(Function::queue(notifier, |n, event| async move { n.handle(event).await }).warming(&table))
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
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            page: env.parse_or("NOTIFY_PAGE_SIZE", PAGE)?,
            store: TicketStore::new(aws.dynamodb.clone(), env.required("TICKETS_TABLE")?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            jobs: JobQueue::from_init(init, "TICKET_JOBS_QUEUE_URL")?,
        })
    }

    /// Handles one SQS batch: one page per message; failed messages are reported for retry.
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
