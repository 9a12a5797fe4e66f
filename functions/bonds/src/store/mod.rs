//! The bonds table: one DynamoDB table, single-table design, two overloaded indexes (the
//! layout is in [`keys`]). Records come from [`crate::model`]; the store adds their keys.
//!
//! Every write that must be all-or-nothing is one `bazaar_shared::dynamo::transact`, so a lost
//! race is retried and a cancellation is told apart by its reasons; many items are written with
//! `batch_put`/`batch_write`.

mod bonds;
mod draws;
pub mod keys;
mod numbers;
mod requests;
mod shops;
mod wins;

use anyhow::Context;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::ReturnValue;
use bazaar_shared::dynamo::{Item, from_item, from_items, get_item, query_all, string};
use serde::de::DeserializeOwned;

pub use bonds::ChangeNumberError;
pub use draws::{ClaimError, CreateDrawError, DrawChangeError};
pub use requests::{DecideError, Decision, SubmitError};
pub use wins::Recorded;

/// A page of records and the key to continue from.
pub type StorePage<T> = (Vec<T>, Option<Item>);

/// The bonds table. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

impl Store {
    pub fn new(db: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            db,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// One item by key, read consistently.
    async fn get<T: DeserializeOwned>(
        &self,
        key: Item,
        what: &'static str,
    ) -> anyhow::Result<Option<T>> {
        get_item(&self.db, &self.table, key, what).await
    }

    /// Deletes an item; what it held, or `None` when there was no such item.
    async fn delete_returning<T: DeserializeOwned>(
        &self,
        key: Item,
        what: &'static str,
    ) -> anyhow::Result<Option<T>> {
        let output = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .context(what)?;
        output
            .attributes
            .filter(|old| !old.is_empty())
            .map(from_item)
            .transpose()
            .context(what)
    }

    /// A query of this table (or, with `index`, of one of its indexes).
    fn query(&self, index: Option<&str>) -> QueryFluentBuilder {
        self.db
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(str::to_owned))
    }

    /// Every item under one `gsi1` partition key, decoded (the index look-ups of matching).
    async fn all_in_gsi1<T: DeserializeOwned>(&self, pk: String) -> anyhow::Result<Vec<T>> {
        let query = self
            .query(Some("gsi1"))
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", string(pk));
        from_items(query_all(query, "querying the bonds table").await?)
            .context("decoding index items")
    }

    /// One page of a query, decoded.
    async fn page_of<T: DeserializeOwned>(
        &self,
        query: QueryFluentBuilder,
        limit: i32,
        start: Option<Item>,
        what: &'static str,
    ) -> anyhow::Result<StorePage<T>> {
        let output = query
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context(what)?;
        let records = from_items(output.items.unwrap_or_default()).context(what)?;
        Ok((records, output.last_evaluated_key))
    }

    /// One page of an index partition.
    async fn index_page<T: DeserializeOwned>(
        &self,
        index: &str,
        partition: &str,
        forward: bool,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<T>> {
        let query = self
            .query(Some(index))
            .key_condition_expression(format!("{index}pk = :pk"))
            .expression_attribute_values(":pk", string(partition))
            .scan_index_forward(forward);
        self.page_of(query, limit, start, "reading a page").await
    }
}
