//! The figures answered by the stats routes.

use serde::Serialize;
use utoipa::ToSchema;

/// A buyer's tasks and coins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct BuyerStats {
    pub tasks: u64,
    pub open_tasks: u64,
    /// Submissions to the buyer's tasks waiting for a decision.
    pub pending_submissions: u64,
    /// Coins in the escrow of the buyer's tasks now.
    pub in_escrow: u64,
    /// Coins paid to workers from the buyer's tasks, in all.
    pub coins_spent: u64,
}

/// A worker's submissions and earnings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct WorkerStats {
    pub pending: u64,
    pub approved: u64,
    pub rejected: u64,
    pub earned: u64,
    pub held: u64,
    pub paid_out: u64,
}

/// The caller's figures, for each of their marketplace roles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct MyStats {
    pub balance: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer: Option<BuyerStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker: Option<WorkerStats>,
}

/// One of the best-earning workers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TopWorker {
    pub user_id: String,
    pub display_name: String,
    pub earned: u64,
}

/// The whole marketplace. The coin figures always satisfy
/// `coins_bought = coins_in_balances + coins_in_escrow + coins_held + coins_paid_out`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct AdminStats {
    pub buyers: u64,
    pub workers: u64,
    pub admins: u64,
    pub coins_bought: u64,
    pub coins_in_balances: u64,
    pub coins_in_escrow: u64,
    pub coins_held: u64,
    pub coins_paid_out: u64,
    pub pending_withdrawals: u64,
}
