//! Mail beside the in-app notifications (which the store writes with the decisions): through
//! the mailer, with job ids derived from what happened, so a repeated send mails once. A
//! decision stands whether or not its mail could be queued.

use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::mail::{MailJob, MailMessage};
use time::OffsetDateTime;

use crate::model::{Submission, SubmissionStatus, Withdrawal, WithdrawalStatus};
use crate::store::NanoStore;

/// Mails people about what happened to their work, tasks and withdrawals.
#[derive(Clone, Debug)]
pub struct Notifier {
    pub(crate) identity: IdentityClient,
    pub(crate) mail: JobQueue,
}

impl Notifier {
    async fn mail(&self, id: String, user_id: &str, subject: &str, text: String) {
        let sent = async {
            let Some(email) = self.identity.email_of(user_id).await? else {
                return Ok(()); // a closed account gets no mail
            };
            let message = MailMessage::Notice {
                subject: subject.to_owned(),
                text,
            };
            self.mail.send(&MailJob::job(id, email, message)).await
        };
        if let Err(error) = sent.await {
            tracing::error!(
                error = format!("{error:#}"),
                user_id,
                "nano mail not queued"
            );
        }
    }

    /// Tells the worker of a decision, and the buyer when it filled the task's last slot.
    pub async fn submission_decided(
        &self,
        store: &NanoStore,
        submission: &Submission,
        now: OffsetDateTime,
    ) -> anyhow::Result<()> {
        let (task_id, worker) = (&submission.task_id, &submission.worker_id);
        let verdict = submission.status.as_str();
        let text = match submission.status {
            SubmissionStatus::Approved => format!(
                "Your submission to \"{}\" was approved: {} coins are in your balance.",
                submission.task_title, submission.coins
            ),
            _ => format!(
                "Your submission to \"{}\" was rejected.",
                submission.task_title
            ),
        };
        let id = format!("nano-submission-{verdict}:{task_id}:{worker}");
        self.mail(id, worker, "Your nano-task submission", text)
            .await;
        if submission.status != SubmissionStatus::Approved {
            return Ok(());
        }
        let Some(task) = store.task(task_id).await? else {
            return Ok(());
        };
        if task.filled >= task.required
            && store
                .notify_filled(&task.buyer_id, task_id, &task.title, now)
                .await?
        {
            let text = format!("Every slot of your task \"{}\" is filled.", task.title);
            let id = format!("nano-task-filled:{task_id}");
            self.mail(id, &task.buyer_id, "Your nano-task is filled", text)
                .await;
        }
        Ok(())
    }

    /// Tells the worker an admin decided their withdrawal.
    pub async fn withdrawal_decided(&self, withdrawal: &Withdrawal) {
        let text = match withdrawal.status {
            WithdrawalStatus::Paid => format!(
                "Your withdrawal of {} coins (${}.{:02}) was paid to your {} account.",
                withdrawal.coins,
                withdrawal.amount_cents / 100,
                withdrawal.amount_cents % 100,
                withdrawal.payment_system
            ),
            _ => format!(
                "Your withdrawal of {} coins was rejected; the coins are back in your balance.",
                withdrawal.coins
            ),
        };
        let id = format!(
            "nano-withdrawal-{}:{}",
            withdrawal.status.as_str(),
            withdrawal.withdrawal_id
        );
        self.mail(id, &withdrawal.user_id, "Your nano-task withdrawal", text)
            .await;
    }
}
