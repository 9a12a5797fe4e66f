//! Registered bonds: one item per (owner, denomination, number), indexed by number for
//! matching and by day of addition for the scheduled matcher.

use std::collections::HashSet;

use anyhow::Context;
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use bazaar_shared::dynamo::{
    batch_get, cancellation_reasons, from_items, is_condition_failed, to_item,
};
use serde::{Deserialize, Serialize};

use super::{Store, StorePage, key, s, timestamp, user_pk};

/// A stored bond.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BondItem {
    pub pk: String,
    pub sk: String,
    pub gsi1pk: String,
    pub gsi1sk: String,
    pub gsi2pk: String,
    pub gsi2sk: String,
    pub user_id: String,
    pub denomination: u32,
    pub number: String,
    pub added_at: String,
}

/// The day buckets of the time-of-addition index are split in this many shards, so that a
/// day of bulk registrations spreads over several index partitions instead of one hot one.
pub const ADDED_SHARDS: u32 = 8;

/// An owner's shard: stable, so one owner's bonds stay together.
fn shard_of(user_id: &str) -> u32 {
    user_id.bytes().map(u32::from).sum::<u32>() % ADDED_SHARDS
}

fn bond_sk(denomination: u32, number: &str) -> String {
    format!("BOND#{denomination}#{number}")
}

impl BondItem {
    pub fn new(user_id: &str, denomination: u32, number: &str) -> Self {
        let added_at = timestamp();
        Self {
            pk: user_pk(user_id),
            sk: bond_sk(denomination, number),
            gsi1pk: format!("BONDNUM#{denomination}#{number}"),
            gsi1sk: user_pk(user_id),
            gsi2pk: format!("BONDS#{}#{}", &added_at[..10], shard_of(user_id)),
            gsi2sk: format!("{added_at}#{user_id}#{denomination}#{number}"),
            user_id: user_id.to_owned(),
            denomination,
            number: number.to_owned(),
            added_at,
        }
    }
}

/// Why a number change did not happen.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeError {
    Gone,
    Taken,
}

impl Store {
    /// Which of `numbers` (of one denomination) the user already holds.
    pub async fn held(
        &self,
        user_id: &str,
        denomination: u32,
        numbers: &[String],
    ) -> anyhow::Result<HashSet<String>> {
        let keys = numbers
            .iter()
            .map(|number| key(user_pk(user_id), bond_sk(denomination, number)))
            .collect();
        let items = batch_get(&self.db, &self.table, keys, "reading held bonds").await?;
        let held = items
            .iter()
            .filter_map(|item| item.get("number").and_then(|n| n.as_s().ok()).cloned())
            .collect();
        Ok(held)
    }

    /// Stores bonds without checking them against draws (the caller does that).
    pub async fn put_bonds(&self, bonds: &[BondItem]) -> anyhow::Result<()> {
        self.put_all(bonds.iter().map(to_item).collect::<Result<_, _>>()?)
            .await
    }

    pub async fn bond(
        &self,
        user_id: &str,
        denomination: u32,
        number: &str,
    ) -> anyhow::Result<Option<BondItem>> {
        self.get(
            key(user_pk(user_id), bond_sk(denomination, number)),
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
        start: Option<super::Item>,
    ) -> anyhow::Result<StorePage<BondItem>> {
        let prefix = denomination.map_or("BOND#".to_owned(), |d| format!("BOND#{d}#"));
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(user_pk(user_id)))
            .expression_attribute_values(":prefix", s(prefix))
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("listing bonds")?;
        Ok((
            from_items(output.items.unwrap_or_default())?,
            output.last_evaluated_key,
        ))
    }

    /// Replaces a bond's number in one transaction: the old one must exist, the new one must not.
    pub async fn change_number(
        &self,
        old: &BondItem,
        new: &BondItem,
    ) -> anyhow::Result<Result<(), ChangeError>> {
        let items = vec![
            TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&self.table)
                        .set_key(Some(key(&old.pk, &old.sk)))
                        .condition_expression("attribute_exists(pk)")
                        .build()?,
                )
                .build(),
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(to_item(new)?))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()?,
                )
                .build(),
        ];
        match self
            .db
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(Ok(())),
            Err(e) => match cancellation_reasons(&e) {
                Some(reasons) if reasons[0].is_some() => Ok(Err(ChangeError::Gone)),
                Some(_) => Ok(Err(ChangeError::Taken)),
                None => Err(e).context("changing a bond number"),
            },
        }
    }

    /// Deletes a bond; false when the user holds no such bond.
    pub async fn delete_bond(
        &self,
        user_id: &str,
        denomination: u32,
        number: &str,
    ) -> anyhow::Result<bool> {
        match self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(user_pk(user_id), bond_sk(denomination, number))))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(e).context("deleting a bond"),
        }
    }

    /// Everyone holding `<denomination> <number>`: one indexed query, whatever the registry size.
    pub async fn holders(&self, denomination: u32, number: &str) -> anyhow::Result<Vec<BondItem>> {
        self.all_in_gsi1(format!("BONDNUM#{denomination}#{number}"))
            .await
    }

    /// Bonds added on `day` (`yyyy-mm-dd`) at or after `since` and before `until` (stored
    /// time format): one query per shard of the day.
    pub async fn bonds_added(
        &self,
        day: &str,
        since: &str,
        until: &str,
    ) -> anyhow::Result<Vec<BondItem>> {
        let mut bonds = Vec::new();
        for shard in 0..ADDED_SHARDS {
            let query = self
                .db
                .query()
                .table_name(&self.table)
                .index_name("gsi2")
                .key_condition_expression("gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", s(format!("BONDS#{day}#{shard}")))
                .expression_attribute_values(":from", s(since))
                .expression_attribute_values(":to", s(format!("{until}~")));
            bonds.extend(from_items::<_, BondItem>(self.query_all(query).await?)?);
        }
        Ok(bonds)
    }
}
