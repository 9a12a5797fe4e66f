//! What redeeming leaves behind (submissions, the owner's notifications) and the owner's
//! dashboard figures.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Tokens handed in at the counter at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmissionRecord {
    pub submission_id: String,
    pub mess_id: String,
    pub user_id: String,
    pub token_ids: Vec<String>,
    pub submitted_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: String,
    pub student_id: String,
    pub count: usize,
    pub token_ids: Vec<String>,
    pub submitted_at: String,
}

impl From<&SubmissionRecord> for SubmissionView {
    fn from(submission: &SubmissionRecord) -> Self {
        Self {
            id: submission.submission_id.clone(),
            student_id: submission.user_id.clone(),
            count: submission.token_ids.len(),
            token_ids: submission.token_ids.clone(),
            submitted_at: submission.submitted_at.clone(),
        }
    }
}

/// Tells the owner that a student redeemed tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotificationRecord {
    pub notification_id: String,
    pub mess_id: String,
    pub student_id: String,
    pub submission_id: String,
    pub count: usize,
    pub created_at: String,
    #[serde(default)]
    pub read: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub text: String,
    pub student_id: String,
    pub submission_id: String,
    pub created_at: String,
    pub read: bool,
}

impl From<&NotificationRecord> for NotificationView {
    fn from(note: &NotificationRecord) -> Self {
        Self {
            id: note.notification_id.clone(),
            text: format!("A student redeemed {} token(s).", note.count),
            student_id: note.student_id.clone(),
            submission_id: note.submission_id.clone(),
            created_at: note.created_at.clone(),
            read: note.read,
        }
    }
}

/// Tokens sold and redeemed, and revenue, in one day or month (a counter item).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Period {
    #[serde(default)]
    pub sold: u64,
    #[serde(default)]
    pub redeemed: u64,
    #[serde(default)]
    pub revenue_minor: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub today: Period,
    pub this_month: Period,
    pub students: u64,
    pub currency: String,
}

/// Spendable tokens of a student.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceView {
    pub mess_id: String,
    pub tokens: usize,
    /// The earliest expiry among them, if any.
    pub next_expiry: Option<String>,
}
