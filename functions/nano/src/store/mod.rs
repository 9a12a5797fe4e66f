//! The nano table: wallets, ledgers, purchases, tasks, submissions and withdrawals.
//!
//! | item        | pk                   | sk               | index keys                                  |
//! |-------------|----------------------|------------------|---------------------------------------------|
//! | wallet      | `USER#<id>`          | `WALLET`         | gsi2 `WALLETS` / `<user id>`; gsi3 `EARNERS` / `earned` (number) once it earned |
//! | ledger      | `USER#<id>`          | `LEDGER#<v7 id>` |                                             |
//! | purchase    | `PURCHASE#<session>` | `PURCHASE`       |                                             |
//! | task        | `TASK#<id>`          | `TASK`           | gsi1 `OPEN` / `<complete_by>#<id>` while open; gsi2 `BUYER#<id>` / `<created_at>#<id>` |
//! | submission  | `TASK#<id>`          | `SUB#<worker>`   | gsi2 `WORKER#<id>` / `<created_at>#<task>`  |
//! | notification| `USER#<id>`          | `NOTE#<v7 id>`   |                                             |
//! | filled mark | `TASK#<id>`          | `FILLED`         | (the task-filled notification was sent)     |
//! | withdrawal  | `WITHDRAWAL#<id>`    | `WITHDRAWAL`     | gsi1 `WITHDRAWALS#PENDING` / `<created_at>#<id>` while pending; gsi2 `WITHDRAWER#<id>` / `<created_at>#<id>` |
//!
//! The indexes project every attribute. gsi1 is sparse: an item leaves it when it closes or
//! is decided. Every coin movement is ONE transaction of the balance change (debits are
//! conditional: `balance >= :n`) with its ledger entry; the purchase item makes a checkout
//! session's credit happen at most once. Files: `wallets` (ledger, purchases), `tasks`,
//! `closing`, `submissions`, `decisions`, `withdrawals`, `listings`, `stats`.

mod closing;
mod decisions;
mod listings;
mod notices;
mod stats;
mod submissions;
mod tasks;
mod wallets;
mod withdrawals;

use anyhow::Context;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};
use bazaar_shared::dynamo::{Item, key, number, string, timestamp, to_item};
use time::OffsetDateTime;

pub use closing::CloseError;
pub use decisions::DecideError;
pub use listings::Listing;
pub use submissions::SubmitError;
pub use tasks::{EditError, NewTask, PostError, TaskEdit};
pub use wallets::{CreditError, PaidSession};
pub use withdrawals::{NewWithdrawal, WithdrawError, WithdrawalDecision};

use crate::model::{LedgerEntry, Movement};

/// The nano table, through the SDK: every read and write of the crate goes through here.
#[derive(Clone, Debug)]
pub struct NanoStore {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

fn user_pk(user_id: &str) -> String {
    format!("USER#{user_id}")
}

fn wallet_key(user_id: &str) -> Item {
    key(user_pk(user_id), "WALLET")
}

fn task_pk(task_id: &str) -> String {
    format!("TASK#{task_id}")
}

/// The sort key of a task's own item (its submissions share its partition).
const TASK_SK: &str = "TASK";

fn task_key(task_id: &str) -> Item {
    key(task_pk(task_id), TASK_SK)
}

fn submission_key(task_id: &str, worker_id: &str) -> Item {
    key(task_pk(task_id), format!("SUB#{worker_id}"))
}

fn withdrawal_key(withdrawal_id: &str) -> Item {
    key(format!("WITHDRAWAL#{withdrawal_id}"), "WITHDRAWAL")
}

/// `gsi1pk` of open tasks and of pending withdrawals.
const OPEN_TASKS: &str = "OPEN";
const PENDING_WITHDRAWALS: &str = "WITHDRAWALS#PENDING";
/// `gsi2pk` of every wallet, and `earners` (gsi3's key) of wallets that earned.
const WALLETS: &str = "WALLETS";
const EARNERS: &str = "EARNERS";

/// A new id that sorts by creation.
fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

impl NanoStore {
    pub fn new(db: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            db,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// The ledger entry of a movement, to go in the same transaction as the balance change.
    fn ledger_put(
        &self,
        user_id: &str,
        kind: Movement,
        delta: i64,
        reference: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<TransactWriteItem> {
        let entry = LedgerEntry {
            entry_id: new_id(),
            kind,
            delta,
            reference: reference.to_owned(),
            created_at: timestamp(now),
        };
        let mut item: Item = to_item(&entry).context("encoding a ledger entry")?;
        item.extend(key(user_pk(user_id), format!("LEDGER#{}", entry.entry_id)));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .context("building a ledger put")?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Adds `coins` to the balance and to the running total `total` (`bought`, `earned`,
    /// `refunded`), creating the wallet on its first credit. Every wallet is in gsi2 under
    /// `WALLETS` (the admin's totals); a worker's, once it earned, in gsi3 by `earned`.
    fn wallet_credit(
        &self,
        user_id: &str,
        coins: u64,
        total: &str,
    ) -> anyhow::Result<TransactWriteItem> {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(wallet_key(user_id)))
            .expression_attribute_values(":u", string(user_id))
            .expression_attribute_values(":wallets", string(WALLETS))
            .expression_attribute_values(":c", number(coins));
        let sets = "user_id = :u, gsi2pk = :wallets, gsi2sk = :u";
        update = match total {
            "earned" => update
                .update_expression(format!(
                    "SET {sets}, earners = :earners ADD balance :c, earned :c"
                ))
                .expression_attribute_values(":earners", string(EARNERS)),
            _ => update.update_expression(format!("SET {sets} ADD balance :c, {total} :c")),
        };
        let update = update.build().context("building a wallet credit")?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Takes `coins` from the balance only if it holds them (never read-then-write), moving
    /// them to the running total `into` (`escrowed`, `held`).
    fn wallet_debit(
        &self,
        user_id: &str,
        coins: u64,
        into: &str,
    ) -> anyhow::Result<TransactWriteItem> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(wallet_key(user_id)))
            .update_expression(format!("SET balance = balance - :c ADD {into} :c"))
            .condition_expression("balance >= :c")
            .expression_attribute_values(":c", number(coins))
            .build()
            .context("building a wallet debit")?;
        Ok(TransactWriteItem::builder().update(update).build())
    }
}
