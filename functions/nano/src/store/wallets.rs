//! Wallets, ledgers and the one way coins enter: a paid checkout session, credited once.

use anyhow::Context;
use bazaar_shared::dynamo::{
    Item, TransactError, from_items, get_item, key, put_new, string, timestamp, transact,
};
use time::OffsetDateTime;

use super::{NanoStore, user_pk, wallet_key};
use crate::model::{LedgerEntry, Movement, Wallet};

/// A paid checkout session to credit.
#[derive(Debug, Clone)]
pub struct PaidSession<'a> {
    pub session_id: &'a str,
    pub user_id: &'a str,
    pub package: &'a str,
    pub coins: u64,
    pub amount_cents: u64,
}

/// Why a paid session credited nothing.
#[derive(Debug, thiserror::Error)]
pub enum CreditError {
    /// Its coins were credited before (another event for the same session).
    #[error("this session was credited already")]
    AlreadyCredited,
    /// Still losing races after the retries: nothing was credited; deliver again.
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

const PURCHASE: usize = 0;

impl NanoStore {
    /// `user_id`'s wallet (all zero before their first credit).
    pub async fn wallet(&self, user_id: &str) -> anyhow::Result<Wallet> {
        let wallet: Option<Wallet> = get_item(
            &self.db,
            &self.table,
            wallet_key(user_id),
            "reading a wallet",
        )
        .await?;
        Ok(wallet.unwrap_or_else(|| Wallet {
            user_id: user_id.to_owned(),
            ..Wallet::default()
        }))
    }

    /// One page of `user_id`'s ledger, newest first.
    pub async fn ledger(
        &self,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<LedgerEntry>, Option<Item>)> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :ledger)")
            .expression_attribute_values(":pk", string(user_pk(user_id)))
            .expression_attribute_values(":ledger", string("LEDGER#"))
            .scan_index_forward(false)
            .consistent_read(true)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("reading a ledger")?;
        let entries = from_items(output.items.unwrap_or_default()).context("decoding a ledger")?;
        Ok((entries, output.last_evaluated_key))
    }

    /// Credits a paid session's coins: the purchase item (`attribute_not_exists`, keyed by
    /// the session), the balance and the ledger entry, in one transaction. A second call for
    /// the same session, at any time, credits nothing.
    pub async fn credit_purchase(
        &self,
        session: &PaidSession<'_>,
        now: OffsetDateTime,
    ) -> Result<(), CreditError> {
        let mut purchase = key(format!("PURCHASE#{}", session.session_id), "PURCHASE");
        purchase.extend([
            ("session_id".to_owned(), string(session.session_id)),
            ("user_id".to_owned(), string(session.user_id)),
            ("package".to_owned(), string(session.package)),
            (
                "coins".to_owned(),
                bazaar_shared::dynamo::number(session.coins),
            ),
            (
                "amount_cents".to_owned(),
                bazaar_shared::dynamo::number(session.amount_cents),
            ),
            ("credited_at".to_owned(), string(timestamp(now))),
        ]);
        let delta = i64::try_from(session.coins).context("coins out of range")?;
        let items = vec![
            put_new(&self.table, purchase)?,
            self.wallet_credit(session.user_id, session.coins, "bought")?,
            self.ledger_put(
                session.user_id,
                Movement::Purchase,
                delta,
                session.session_id,
                now,
            )?,
        ];
        match transact(&self.db, items, "crediting a purchase").await {
            Ok(()) => Ok(()),
            Err(e) if e.is_contended() => Err(CreditError::Contention),
            Err(e) if e.failed_at(PURCHASE) => Err(CreditError::AlreadyCredited),
            Err(TransactError::Failed(e)) => Err(e.into()),
            Err(e) => Err(anyhow::Error::from(e)
                .context("crediting a purchase")
                .into()),
        }
    }
}
