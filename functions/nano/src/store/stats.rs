//! Figures for the stats routes, each from index queries (every page), never a scan: a
//! buyer's tasks, a worker's submissions, every wallet (the admin's totals), the earners.

use anyhow::Context;
use aws_sdk_dynamodb::types::Select;
use bazaar_shared::dynamo::{Item, from_items, query_all, string};
use serde::Deserialize;

use super::{EARNERS, NanoStore, PENDING_WITHDRAWALS, WALLETS};
use crate::model::{AdminStats, BuyerStats, SubmissionStatus, TaskStatus, Wallet, WorkerStats};

#[derive(Deserialize)]
struct TaskFigures {
    status: TaskStatus,
    pending: u64,
    escrow: u64,
}

#[derive(Deserialize)]
struct SubmissionFigures {
    status: SubmissionStatus,
}

impl NanoStore {
    /// Every item of `gsi_pk = pk` in index `index`, with only `projection` read.
    async fn index_items(
        &self,
        index: &str,
        pk: String,
        projection: &str,
    ) -> anyhow::Result<Vec<Item>> {
        let mut query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!("{index}pk = :pk"))
            .expression_attribute_values(":pk", string(&pk))
            .projection_expression(projection);
        // `status` is a reserved word; DynamoDB refuses names a request does not use.
        if projection.contains("#status") {
            query = query.expression_attribute_names("#status", "status");
        }
        query_all(query, "reading figures").await
    }

    /// A buyer's tasks, open tasks, pending submissions, escrow now and coins paid out of it.
    pub async fn buyer_stats(&self, wallet: &Wallet) -> anyhow::Result<BuyerStats> {
        let pk = format!("BUYER#{}", wallet.user_id);
        let items = self
            .index_items("gsi2", pk, "#status, pending, escrow")
            .await?;
        let tasks: Vec<TaskFigures> = from_items(items).context("decoding task figures")?;
        let in_escrow = tasks.iter().map(|t| t.escrow).sum::<u64>();
        Ok(BuyerStats {
            tasks: tasks.len() as u64,
            open_tasks: tasks
                .iter()
                .filter(|t| t.status == TaskStatus::Open)
                .count() as u64,
            pending_submissions: tasks.iter().map(|t| t.pending).sum(),
            in_escrow,
            coins_spent: wallet
                .escrowed
                .saturating_sub(wallet.refunded)
                .saturating_sub(in_escrow),
        })
    }

    /// A worker's submissions by status, and their coins.
    pub async fn worker_stats(&self, wallet: &Wallet) -> anyhow::Result<WorkerStats> {
        let pk = format!("WORKER#{}", wallet.user_id);
        let items = self.index_items("gsi2", pk, "#status").await?;
        let submissions: Vec<SubmissionFigures> =
            from_items(items).context("decoding submission figures")?;
        let count = |status| submissions.iter().filter(|s| s.status == status).count() as u64;
        Ok(WorkerStats {
            pending: count(SubmissionStatus::Pending),
            approved: count(SubmissionStatus::Approved),
            rejected: count(SubmissionStatus::Rejected),
            earned: wallet.earned,
            held: wallet.held,
            paid_out: wallet.paid_out,
        })
    }

    /// The coin totals of every wallet and the pending withdrawals (users by role are the
    /// identity context's, added by the caller). Escrow is what entered it less what left.
    pub async fn coin_totals(&self) -> anyhow::Result<AdminStats> {
        let projection = "user_id, balance, held, bought, earned, escrowed, refunded, paid_out";
        let items = self
            .index_items("gsi2", WALLETS.to_owned(), projection)
            .await?;
        let wallets: Vec<Wallet> = from_items(items).context("decoding wallets")?;
        let sum = |f: fn(&Wallet) -> u64| wallets.iter().map(f).sum::<u64>();
        let entered = sum(|w| w.escrowed);
        let left = sum(|w| w.refunded) + sum(|w| w.earned);
        Ok(AdminStats {
            coins_bought: sum(|w| w.bought),
            coins_in_balances: sum(|w| w.balance),
            coins_in_escrow: entered.saturating_sub(left),
            coins_held: sum(|w| w.held),
            coins_paid_out: sum(|w| w.paid_out),
            pending_withdrawals: self.pending_withdrawals().await?,
            ..AdminStats::default()
        })
    }

    async fn pending_withdrawals(&self) -> anyhow::Result<u64> {
        let mut count = 0;
        let mut pages = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", string(PENDING_WITHDRAWALS))
            .select(Select::Count)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.context("counting pending withdrawals")?;
            count += u64::try_from(page.count).unwrap_or(0);
        }
        Ok(count)
    }

    /// The `limit` best-earning workers' wallets, best first (gsi3).
    pub async fn top_earners(&self, limit: i32) -> anyhow::Result<Vec<Wallet>> {
        let page = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi3")
            .key_condition_expression("earners = :pk")
            .expression_attribute_values(":pk", string(EARNERS))
            .scan_index_forward(false)
            .limit(limit)
            .send()
            .await
            .context("listing the best earners")?;
        from_items(page.items.unwrap_or_default()).context("decoding wallets")
    }
}
