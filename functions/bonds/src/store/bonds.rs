//! Registered bonds: one item per (owner, denomination, number), indexed by number for
//! matching and by day of addition for the scheduled matcher.

use anyhow::Context;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};
use bazaar_shared::dynamo::{
    Item, from_items, is_condition_failed, item_at, put_new, query_all, string, transact,
};
use futures_util::{StreamExt, TryStreamExt, stream};

use super::keys::{self, ADDED_SHARDS};
use super::{Store, StorePage};
use crate::model::BondRecord;

/// Conditional puts of one registration under way at once (a registration has 1 to 100 bonds).
const PUT_CONCURRENCY: usize = 16;

/// Why a bond's number was not changed.
#[derive(Debug, thiserror::Error)]
pub enum ChangeNumberError {
    #[error("no such bond")]
    Gone,
    #[error("the new number is registered already")]
    Taken,
    /// Other writes held the bond through every retry.
    #[error("the bond is busy")]
    Busy,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Store {
    /// Registers each bond its owner does not hold yet, without checking it against draws: one
    /// conditional put per bond (no read first), at most [`PUT_CONCURRENCY`] under way, so of
    /// two requests adding the same number at once exactly one stores it, and a bond held
    /// already keeps its date. Whether each of `bonds` was stored, in order.
    pub async fn add_bonds(&self, bonds: &[BondRecord]) -> anyhow::Result<Vec<bool>> {
        let put = |bond: &BondRecord| {
            let item = item_at(keys::bond_keys(bond), bond);
            async move {
                let stored = self
                    .db
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(item?))
                    .condition_expression("attribute_not_exists(pk)")
                    .send()
                    .await;
                match stored {
                    Ok(_) => Ok(true),
                    Err(error) if is_condition_failed(&error) => Ok(false),
                    Err(error) => Err(anyhow::Error::from(error).context("storing a bond")),
                }
            }
        };
        stream::iter(bonds.iter().map(put))
            .buffered(PUT_CONCURRENCY)
            .try_collect()
            .await
    }

    pub async fn bond(
        &self,
        user_id: &str,
        denomination: u32,
        number: &str,
    ) -> anyhow::Result<Option<BondRecord>> {
        self.get(
            keys::bond_key(user_id, denomination, number),
            "reading a bond",
        )
        .await
    }

    /// The user's bonds, by denomination then number.
    pub async fn list_bonds(
        &self,
        user_id: &str,
        denomination: Option<u32>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<BondRecord>> {
        let query = self
            .query(None)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", string(keys::user_pk(user_id)))
            .expression_attribute_values(":prefix", string(keys::bond_prefix(denomination)));
        self.page_of(query, limit, start, "listing bonds").await
    }

    /// Replaces a bond's number in one transaction: the old one must exist, the new one must not.
    pub async fn change_number(
        &self,
        old: &BondRecord,
        new: &BondRecord,
    ) -> Result<(), ChangeNumberError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(keys::bond_key(
                &old.user_id,
                old.denomination,
                &old.number,
            )))
            .condition_expression("attribute_exists(pk)")
            .build()
            .context("building the bond delete")?;
        let items = vec![
            TransactWriteItem::builder().delete(delete).build(),
            put_new(&self.table, item_at(keys::bond_keys(new), new)?)?,
        ];
        match transact(&self.db, items, "changing a bond number").await {
            Ok(()) => Ok(()),
            Err(error) if error.is_contended() => Err(ChangeNumberError::Busy),
            Err(error) if error.failed_at(0) => Err(ChangeNumberError::Gone),
            Err(error) if error.failed_at(1) => Err(ChangeNumberError::Taken),
            Err(error) => Err(anyhow::Error::from(error)
                .context("changing a bond number")
                .into()),
        }
    }

    /// Deletes a bond; the bond deleted, or `None` when the user holds no such bond.
    pub async fn delete_bond(
        &self,
        user_id: &str,
        denomination: u32,
        number: &str,
    ) -> anyhow::Result<Option<BondRecord>> {
        let key = keys::bond_key(user_id, denomination, number);
        self.delete_returning(key, "deleting a bond").await
    }

    /// Everyone holding `<denomination> <number>`: one indexed query, whatever the registry size.
    pub async fn holders(
        &self,
        denomination: u32,
        number: &str,
    ) -> anyhow::Result<Vec<BondRecord>> {
        self.all_in_gsi1(keys::holders_pk(denomination, number))
            .await
    }

    /// Bonds added on `day` (`yyyy-mm-dd`) at or after `since` and before `until` (stored
    /// time format): one query per shard of the day.
    pub async fn bonds_added(
        &self,
        day: &str,
        since: &str,
        until: &str,
    ) -> anyhow::Result<Vec<BondRecord>> {
        let mut bonds = Vec::new();
        for shard in 0..ADDED_SHARDS {
            let query = self
                .query(Some("gsi2"))
                .key_condition_expression("gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", string(keys::added_pk(day, shard)))
                .expression_attribute_values(":from", string(since))
                .expression_attribute_values(":to", string(format!("{until}~")));
            let items = query_all(query, "listing added bonds").await?;
            bonds.extend(from_items::<_, BondRecord>(items).context("decoding added bonds")?);
        }
        Ok(bonds)
    }
}
