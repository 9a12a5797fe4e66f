//! The mail job: what a context puts on the mail queue. The mailer function renders it (subject,
//! text and HTML) and sends it through SES. Contexts add their own message kinds here.

use serde::{Deserialize, Serialize};

use crate::jobs::Job;

/// One mail to one recipient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailJob {
    pub to: String,
    pub message: MailMessage,
}

/// The kinds of mail Bazaar sends; each is rendered by the mailer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case", deny_unknown_fields)]
pub enum MailMessage {
    /// A plain notice: a subject and a text body (escaped into the HTML part).
    Notice { subject: String, text: String },
    /// A one-time code for e-mail verification or a password reset.
    OneTimeCode {
        code: String,
        purpose: CodePurpose,
        valid_minutes: u32,
    },
}

/// What a one-time code mail is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodePurpose {
    VerifyEmail,
    ResetPassword,
}

impl MailJob {
    /// A mail job whose id makes its sending idempotent: enqueueing the same id twice sends once.
    pub fn job(id: impl Into<String>, to: impl Into<String>, message: MailMessage) -> Job<Self> {
        Job::with_id(
            id,
            Self {
                to: to.into(),
                message,
            },
        )
    }
}
