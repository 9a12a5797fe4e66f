//! Withdrawals: the coins are held at request (a conditional debit, never negative), then an
//! admin pays them out or returns them, once: each step is one transaction whose first action
//! moves the withdrawal out of `pending`.

use anyhow::Context;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use bazaar_shared::dynamo::{
    Item, TransactError, get_item, number, put_new, string, timestamp, to_item, transact,
};
use time::OffsetDateTime;

use super::{NanoStore, PENDING_WITHDRAWALS, new_id, wallet_key, withdrawal_key};
use crate::model::{Movement, NoticeKind, Withdrawal, WithdrawalStatus};

/// A valid withdrawal request.
#[derive(Debug, Clone)]
pub struct NewWithdrawal {
    pub coins: u64,
    pub amount_cents: u64,
    pub payment_system: String,
    pub account: String,
}

/// What an admin decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalDecision {
    Pay,
    Reject,
}

#[derive(Debug, thiserror::Error)]
pub enum WithdrawError {
    #[error("the balance is short of {needed} coins")]
    InsufficientCoins { needed: u64 },
    #[error("no such withdrawal")]
    NotFound,
    #[error("the withdrawal was decided already")]
    AlreadyDecided,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

const FIRST: usize = 0;
const HOLD: usize = 1;

impl NanoStore {
    /// Holds the coins of a new withdrawal of `user_id`'s, with its ledger entry.
    pub async fn request_withdrawal(
        &self,
        user_id: &str,
        new: NewWithdrawal,
        now: OffsetDateTime,
    ) -> Result<Withdrawal, WithdrawError> {
        let withdrawal = Withdrawal {
            withdrawal_id: new_id(),
            user_id: user_id.to_owned(),
            coins: new.coins,
            amount_cents: new.amount_cents,
            payment_system: new.payment_system,
            account: new.account,
            status: WithdrawalStatus::Pending,
            created_at: timestamp(now),
            decided_at: None,
            decided_by: None,
        };
        let id = &withdrawal.withdrawal_id;
        let sort = format!("{}#{id}", withdrawal.created_at);
        let mut item: Item = to_item(&withdrawal).context("encoding a withdrawal")?;
        item.extend(withdrawal_key(id));
        item.insert("gsi1pk".into(), string(PENDING_WITHDRAWALS));
        item.insert("gsi1sk".into(), string(&sort));
        item.insert("gsi2pk".into(), string(format!("WITHDRAWER#{user_id}")));
        item.insert("gsi2sk".into(), string(sort));
        let delta = -i64::try_from(new.coins).context("coins out of range")?;
        let items = vec![
            put_new(&self.table, item)?,
            self.wallet_debit(user_id, new.coins, "held")?,
            self.ledger_put(user_id, Movement::WithdrawalHold, delta, id, now)?,
        ];
        match transact(&self.db, items, "requesting a withdrawal").await {
            Ok(()) => Ok(withdrawal),
            Err(e) if e.is_contended() => Err(WithdrawError::Contention),
            Err(e) if e.failed_at(HOLD) => {
                Err(WithdrawError::InsufficientCoins { needed: new.coins })
            }
            Err(TransactError::Failed(e)) => Err(e.into()),
            Err(e) => Err(anyhow::Error::from(e)
                .context("requesting a withdrawal")
                .into()),
        }
    }

    pub async fn withdrawal(&self, withdrawal_id: &str) -> anyhow::Result<Option<Withdrawal>> {
        get_item(
            &self.db,
            &self.table,
            withdrawal_key(withdrawal_id),
            "reading a withdrawal",
        )
        .await
    }

    /// Pays out or returns a pending withdrawal's held coins, once.
    pub async fn decide_withdrawal(
        &self,
        withdrawal_id: &str,
        decision: WithdrawalDecision,
        admin_id: &str,
        now: OffsetDateTime,
    ) -> Result<Withdrawal, WithdrawError> {
        let Some(mut withdrawal) = self.withdrawal(withdrawal_id).await? else {
            return Err(WithdrawError::NotFound);
        };
        if withdrawal.status != WithdrawalStatus::Pending {
            return Err(WithdrawError::AlreadyDecided);
        }
        let status = match decision {
            WithdrawalDecision::Pay => WithdrawalStatus::Paid,
            WithdrawalDecision::Reject => WithdrawalStatus::Rejected,
        };
        let items = self.withdrawal_decision_items(&withdrawal, status, admin_id, now)?;
        match transact(&self.db, items, "deciding a withdrawal").await {
            Ok(()) => {
                withdrawal.status = status;
                withdrawal.decided_at = Some(timestamp(now));
                withdrawal.decided_by = Some(admin_id.to_owned());
                Ok(withdrawal)
            }
            Err(e) if e.failed_at(FIRST) => Err(WithdrawError::AlreadyDecided),
            Err(e) if e.is_contended() => Err(WithdrawError::Contention),
            Err(TransactError::Failed(e)) => Err(e.into()),
            Err(e) => Err(anyhow::Error::from(e)
                .context("deciding a withdrawal")
                .into()),
        }
    }

    fn withdrawal_decision_items(
        &self,
        withdrawal: &Withdrawal,
        status: WithdrawalStatus,
        admin_id: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let decide = Update::builder()
            .table_name(&self.table)
            .set_key(Some(withdrawal_key(&withdrawal.withdrawal_id)))
            .update_expression(
                "SET #status = :status, decided_at = :now, decided_by = :admin REMOVE gsi1pk, gsi1sk",
            )
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", string(status.as_str()))
            .expression_attribute_values(":pending", string(WithdrawalStatus::Pending.as_str()))
            .expression_attribute_values(":now", string(timestamp(now)))
            .expression_attribute_values(":admin", string(admin_id))
            .build()
            .context("building a withdrawal decision")?;
        let (expression, kind, delta) = match status {
            WithdrawalStatus::Paid => (
                "SET held = held - :c ADD paid_out :c",
                Movement::WithdrawalPaid,
                0,
            ),
            _ => (
                "SET held = held - :c ADD balance :c",
                Movement::WithdrawalReturned,
                i64::try_from(withdrawal.coins).context("coins out of range")?,
            ),
        };
        let release = Update::builder()
            .table_name(&self.table)
            .set_key(Some(wallet_key(&withdrawal.user_id)))
            .update_expression(expression)
            .condition_expression("held >= :c")
            .expression_attribute_values(":c", number(withdrawal.coins))
            .build()
            .context("building a held-coins release")?;
        let (notice, text) = match status {
            WithdrawalStatus::Paid => (
                NoticeKind::WithdrawalPaid,
                format!(
                    "Your withdrawal of {} coins was paid to your {} account.",
                    withdrawal.coins, withdrawal.payment_system
                ),
            ),
            _ => (
                NoticeKind::WithdrawalRejected,
                format!(
                    "Your withdrawal of {} coins was rejected; the coins are back in your balance.",
                    withdrawal.coins
                ),
            ),
        };
        let user = &withdrawal.user_id;
        Ok(vec![
            TransactWriteItem::builder().update(decide).build(),
            TransactWriteItem::builder().update(release).build(),
            self.notice_put(user, notice, text, &withdrawal.withdrawal_id, now)?,
            self.ledger_put(
                &withdrawal.user_id,
                kind,
                delta,
                &withdrawal.withdrawal_id,
                now,
            )?,
        ])
    }
}
