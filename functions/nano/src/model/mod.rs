//! What the nano table holds. These records carry no keys or secrets (keys are added by the
//! store beside them), so they are also what the routes answer.

mod notices;
mod stats;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use notices::{NoticeKind, Notification};
pub use stats::{AdminStats, BuyerStats, MyStats, TopWorker, WorkerStats};

/// A user's coins. Created by the first credit; a user without one has 0 everywhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Wallet {
    pub user_id: String,
    /// Coins the user may spend or withdraw.
    #[serde(default)]
    pub balance: u64,
    /// Coins held for the user's pending withdrawals.
    #[serde(default)]
    pub held: u64,
    /// Coins bought through Stripe, in all.
    #[serde(default)]
    pub bought: u64,
    /// Coins earned from approved submissions, in all.
    #[serde(default)]
    pub earned: u64,
    /// Coins put in escrow for tasks, in all.
    #[serde(default)]
    pub escrowed: u64,
    /// Coins of the user's tasks that came back (unfilled slots, rejections after closing).
    #[serde(default)]
    pub refunded: u64,
    /// Coins paid out by approved withdrawals, in all.
    #[serde(default)]
    pub paid_out: u64,
}

/// What moved a balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Movement {
    /// Coins bought (+).
    Purchase,
    /// A task's escrow left the buyer's balance (−).
    Escrow,
    /// Unfilled slots of a closed task, or a rejected submission of one, came back (+).
    Refund,
    /// An approved submission paid the worker from escrow (+).
    Earning,
    /// Coins held for a withdrawal (−).
    WithdrawalHold,
    /// A held withdrawal was paid out (0: the coins leave `held`).
    WithdrawalPaid,
    /// A held withdrawal was rejected and its coins returned (+).
    WithdrawalReturned,
}

/// One ledger entry: the change it made to the balance, and what it refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LedgerEntry {
    pub entry_id: String,
    pub kind: Movement,
    /// Signed change of the balance; the entries of a user sum to their balance.
    pub delta: i64,
    /// The purchase (checkout session), task or withdrawal this movement belongs to.
    pub reference: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Closed,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Closed => "closed",
        }
    }
}

/// A task. Its escrow is always `(slots_left + pending) × coins` while open and
/// `pending × coins` once closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Task {
    pub task_id: String,
    pub buyer_id: String,
    pub title: String,
    pub detail: String,
    pub instructions: String,
    /// Workers wanted.
    pub required: u32,
    /// Coins paid per approved submission.
    pub coins: u64,
    /// Slots neither pending nor filled.
    pub slots_left: u32,
    pub pending: u32,
    pub filled: u32,
    /// Coins of this task still held from the buyer.
    pub escrow: u64,
    pub status: TaskStatus,
    /// Submissions are taken until then (RFC 3339).
    pub complete_by: String,
    pub complete_by_ts: i64,
    pub created_at: String,
    pub updated_at: String,
    /// An image is shown at `GET /nano/tasks/{id}/image`.
    #[serde(default)]
    pub has_image: bool,
    /// Where the image is in the uploads bucket (never answered).
    #[serde(default, skip_serializing)]
    pub image_key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Pending,
    Approved,
    Rejected,
}

impl SubmissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Pending => "pending",
            SubmissionStatus::Approved => "approved",
            SubmissionStatus::Rejected => "rejected",
        }
    }
}

/// A worker's one submission to a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Submission {
    pub task_id: String,
    pub worker_id: String,
    pub buyer_id: String,
    pub task_title: String,
    pub coins: u64,
    /// What the worker hands in, as the task's instructions ask.
    pub proof: String,
    pub status: SubmissionStatus,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawalStatus {
    Pending,
    Paid,
    Rejected,
}

impl WithdrawalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawalStatus::Pending => "pending",
            WithdrawalStatus::Paid => "paid",
            WithdrawalStatus::Rejected => "rejected",
        }
    }
}

/// A worker's request to turn coins into money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Withdrawal {
    pub withdrawal_id: String,
    pub user_id: String,
    pub coins: u64,
    /// What the coins pay, in US cents.
    pub amount_cents: u64,
    pub payment_system: String,
    pub account: String,
    pub status: WithdrawalStatus,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

/// A Stripe Checkout Session opened for the caller.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckoutView {
    pub session_id: String,
    /// Send the buyer here to pay.
    pub url: String,
    pub package: String,
    pub coins: u64,
    pub price_cents: u64,
}
