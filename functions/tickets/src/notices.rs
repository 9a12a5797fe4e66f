//! Telling every active booker of an event something: a change of time or place, a
//! cancellation, the coming start.
//!
//! One [`NotifyBookers`] job (handled by [`crate::ticket_jobs`]) covers one page of bookers:
//! it queues their mails (ten per SQS call) and then queues itself for the next page, so 10,000
//! bookers are 40 short jobs rather than one long one, and a failure retries one page. Every mail's job id is the notice id plus
//! the booker, and the mailer sends each id once: a redelivered or repeated job mails nobody
//! twice.

use bazaar_shared::jobs::Job;
use serde::{Deserialize, Serialize};

use crate::model::EventRecord;

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
    /// The job of this page: its id is the notice id and the page's position, so a page is
    /// queued once however often the page before it runs.
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

/// The notice of a cancelled event.
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
