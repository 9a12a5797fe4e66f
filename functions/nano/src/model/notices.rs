//! In-app notifications.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a notification tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeKind {
    SubmissionApproved,
    SubmissionRejected,
    WithdrawalPaid,
    WithdrawalRejected,
    /// Every slot of a buyer's task is filled.
    TaskFilled,
}

/// One notification of the caller's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    pub notification_id: String,
    pub kind: NoticeKind,
    pub text: String,
    /// The task or withdrawal it is about.
    pub reference: String,
    pub created_at: String,
}
