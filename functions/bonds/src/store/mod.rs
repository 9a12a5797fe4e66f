//! The bonds table (one DynamoDB table, single-table design, two overloaded indexes).
//!
//! | pk                | sk                              | gsi1pk / gsi1sk                       | gsi2pk / gsi2sk                         | what |
//! |-------------------|---------------------------------|---------------------------------------|-----------------------------------------|------|
//! | `USER#<u>`        | `BOND#<denom>#<number>`         | `BONDNUM#<denom>#<number>` / `USER#<u>` | `BONDS#<yyyy-mm-dd>#<shard>` / `<added>#<u>#<denom>#<number>` | a bond |
//! | `USER#<u>`        | `WIN#<draw>#<denom>#<number>`   |                                       | `DRAWWIN#<draw>` / `USER#<u>#<denom>#<number>` | a win |
//! | `DRAW#<d>`        | `DRAW`                          | `DRAWS` / `<date>#<d>` (done only)    | `DRAWS#<denom>` / `<date>#<d>` (done only) | a draw |
//! | `DRAW#<d>`        | `NUM#<number>`                  | `WIN#<denom>#<number>` / `<date>#<d>` |                                         | a winning number |
//! | `DRAWFILE#<sha>`  | `MARKER`                        |                                       |                                         | an uploaded file (dedupe) |
//! | `DRAWKEY#<denom>#<date>` | `MARKER`                 |                                       |                                         | a stored draw (dedupe) |
//! | `BROKERREQ#<r>`   | `REQUEST`                       | `BROKERREQS#PENDING` / `<created>#<r>` (pending only) | `USER#<u>#BROKERREQ` / `<created>#<r>` | a broker request |
//! | `USER#<u>`        | `BROKERREQ#PENDING`             |                                       |                                         | one pending request per user |
//! | `STORE#<u>`       | `STORE`                         | `STORES` / `<name>#<u>`               | `STORECITY#<city>` / `<name>#<u>`       | a broker's store |
//! | `MATCHER`         | `WATERMARK`                     |                                       |                                         | the scheduled matcher's progress |
//!
//! Matching never scans: "who holds <denom> <number>" is one query on gsi1 (`BONDNUM#…`), and
//! "did <denom> <number> win" is one query on gsi1 (`WIN#…`).

pub mod bonds;
mod draws;
mod numbers;
mod requests;
mod stores;
mod wins;

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Context;
use aws_sdk_dynamodb::types::{
    AttributeValue, DeleteRequest, PutRequest, TransactWriteItem, WriteRequest,
};
use bazaar_shared::dynamo::{Item, from_items};

pub use bonds::{BondItem, ChangeError};
pub use draws::{DrawItem, DrawStatus};
pub use numbers::NumberItem;
pub use requests::{RequestItem, RequestStatus};
pub use stores::{StoreItem, city_key};
pub use wins::WinItem;

/// DynamoDB takes at most 25 writes per `BatchWriteItem`.
const BATCH_WRITE: usize = 25;

/// A page of items and the key to continue from.
pub type StorePage<T> = (Vec<T>, Option<Item>);

#[derive(Clone, Debug)]
pub struct Store {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

pub fn user_pk(user_id: &str) -> String {
    format!("USER#{user_id}")
}

/// Now, as stored: RFC 3339 UTC with fixed microseconds, so that text order is time order.
pub fn timestamp() -> String {
    stamp(time::OffsetDateTime::now_utc())
}

/// A time as stored (see [`timestamp`]).
pub fn stamp(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

/// A key without its non-key attributes, for a delete request.
fn key_of(item: &Item) -> Item {
    ["pk", "sk"]
        .iter()
        .filter_map(|k| Some(((*k).to_owned(), item.get(*k)?.clone())))
        .collect()
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

    /// Writes many items, 25 per call, retrying what DynamoDB left unprocessed.
    pub async fn put_all(&self, items: Vec<Item>) -> anyhow::Result<()> {
        let requests = items
            .into_iter()
            .map(|item| {
                Ok(WriteRequest::builder()
                    .put_request(PutRequest::builder().set_item(Some(item)).build()?)
                    .build())
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        self.batch_write(requests).await
    }

    /// Deletes many items (given whole or by key), 25 per call.
    pub async fn delete_all(&self, items: Vec<Item>) -> anyhow::Result<()> {
        let requests = items
            .iter()
            .map(|item| {
                Ok(WriteRequest::builder()
                    .delete_request(
                        DeleteRequest::builder()
                            .set_key(Some(key_of(item)))
                            .build()?,
                    )
                    .build())
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        self.batch_write(requests).await
    }

    async fn batch_write(&self, requests: Vec<WriteRequest>) -> anyhow::Result<()> {
        for chunk in requests.chunks(BATCH_WRITE) {
            let mut pending = chunk.to_vec();
            for attempt in 0u32.. {
                let output = self
                    .db
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .context("writing a batch of items")?;
                pending = output
                    .unprocessed_items
                    .and_then(|mut left| left.remove(&self.table))
                    .unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
                anyhow::ensure!(attempt < 8, "DynamoDB kept items unprocessed");
                tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
            }
        }
        Ok(())
    }

    /// Every item under one `gsi1` partition key, decoded (the index look-ups of matching).
    async fn all_in_gsi1<T: serde::de::DeserializeOwned>(
        &self,
        pk: String,
    ) -> anyhow::Result<Vec<T>> {
        let query = self
            .db
            .query()
            .table_name(&self.table)
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", s(pk));
        Ok(from_items(self.query_all(query).await?)?)
    }

    /// Every item of a query, following its pages (for bounded sets: a draw's numbers).
    async fn query_all(
        &self,
        query: aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
    ) -> anyhow::Result<Vec<Item>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let output = query
                .clone()
                .set_exclusive_start_key(start)
                .send()
                .await
                .context("querying the bonds table")?;
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// One item by key, read consistently.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        key: Item,
        what: &'static str,
    ) -> anyhow::Result<Option<T>> {
        bazaar_shared::dynamo::get_item(&self.db, &self.table, key, what).await
    }

    pub(super) async fn page<T: serde::de::DeserializeOwned>(
        &self,
        index: &str,
        partition: &str,
        forward: bool,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<T>> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!("{index}pk = :pk"))
            .expression_attribute_values(":pk", s(partition))
            .scan_index_forward(forward)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("reading a page")?;
        Ok((
            from_items(output.items.unwrap_or_default())?,
            output.last_evaluated_key,
        ))
    }

    /// Runs a transaction: false when a condition (or a concurrent transaction) cancelled it.
    pub(super) async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
        what: &'static str,
    ) -> anyhow::Result<bool> {
        bazaar_shared::dynamo::transact_or_cancelled(&self.db, items, what).await
    }
}
