//! Nano-tasks: buyers pay workers in coins for small tasks.
//!
//! One module per Lambda binary, each with its own state and `build`:
//! - [`nano_wallet`]: the caller's wallet and ledger, coin packages, Stripe Checkout for
//!   buying coins, the Stripe webhook that alone credits them, and withdrawal requests (HTTP);
//! - [`nano_tasks`]: tasks (post with escrow, edit, close with refund), open tasks for workers,
//!   submissions and the buyer's decisions, the caller's figures and top workers (HTTP);
//! - [`nano_admin`]: withdrawal decisions, task removal and the marketplace's figures (HTTP).
//!
//! Requests are parsed in [`input`] before any I/O; every movement of coins is ONE transaction
//! in [`store`] that changes a balance and writes its ledger entry together, so that at any
//! moment: coins bought = balances + escrow of tasks + coins held for withdrawals + coins paid
//! out, and each user's ledger sums to their balance.

mod admin_api;
pub mod gateway;
mod image_api;
pub mod images;
pub mod input;
pub mod model;
pub mod nano_admin;
pub mod nano_tasks;
pub mod nano_wallet;
mod notices;
mod packages;
mod problem;
mod stats_api;
pub mod store;
mod submission_api;
mod task_api;
mod wallet_api;
mod webhook_api;
mod withdrawal_api;

use bazaar_shared::auth::{Role, RoleGuard};

pub use packages::{CoinPackage, WithdrawalRules};

/// Buyers post tasks and buy coins.
pub struct BuyerOnly;
impl RoleGuard for BuyerOnly {
    const ROLES: &'static [Role] = &[Role::Buyer];
}

/// Workers take tasks and withdraw their earnings.
pub struct WorkerOnly;
impl RoleGuard for WorkerOnly {
    const ROLES: &'static [Role] = &[Role::Worker];
}

/// Anyone taking part in the marketplace: a wallet is theirs to read.
pub struct Participant;
impl RoleGuard for Participant {
    const ROLES: &'static [Role] = &[Role::Buyer, Role::Worker, Role::Admin];
}
