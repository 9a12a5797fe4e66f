//! Mess tokens: mess owners run messes, students join one with its join code, buy meal tokens
//! through Razorpay and redeem them at the counter with a PIN.
//!
//! One module per Lambda binary, each with its own state and `build`:
//! - [`messes`]: owners' messes, joining, the owner's dashboard, submissions, notifications and
//!   students (HTTP);
//! - [`mess_tokens`]: students' orders, payment verification, the Razorpay webhook, balance,
//!   tokens, payments, PIN and redemptions (HTTP);
//! - [`mess_expiry_reminders`]: once per token batch, tokens expiring within 7 days (schedule).
//!
//! Requests are parsed in [`input`] into the types of [`model`] before any I/O. Money and
//! tokens move in [`store`]: one transaction issues an order's tokens (`store/issuing.rs`), one
//! redeems a submission (`store/redeeming.rs`). The gateway is behind [`gateway::PaymentGateway`].

pub mod gateway;
pub mod input;
pub mod mess_expiry_reminders;
pub mod mess_tokens;
pub mod messes;
pub mod model;
pub mod pin;
pub mod store;

mod mess_api;
mod order_api;
mod owner_api;
mod redeem_api;
mod token_api;
mod webhook_api;

#[cfg(test)]
mod build_tests;

use bazaar_shared::auth::{Role, RoleGuard};

/// Students (and only they) join messes, buy and redeem tokens.
pub struct StudentOnly;
impl RoleGuard for StudentOnly {
    const ROLES: &'static [Role] = &[Role::Student];
}

/// Mess owners (a role granted by admins) run their mess.
pub struct OwnerOnly;
impl RoleGuard for OwnerOnly {
    const ROLES: &'static [Role] = &[Role::MessOwner];
}
