//! Batch reads and writes: chunks of DynamoDB's limits, and the items it leaves unprocessed
//! asked for again with backoff until none are left (or the attempts run out: an error).

use anyhow::{Context, bail};
use aws_sdk_dynamodb::types::{KeysAndAttributes, PutRequest, WriteRequest};

use super::{Item, backoff};

/// BatchGetItem takes at most 100 keys, BatchWriteItem 25 requests.
const GET_CHUNK: usize = 100;
const WRITE_CHUNK: usize = 25;
/// Rounds per chunk before unprocessed items are an error (throttled for seconds on end).
const ATTEMPTS: u32 = 8;

/// The items of `keys` that exist, read consistently. Order is not kept.
pub async fn batch_get(
    db: &aws_sdk_dynamodb::Client,
    table: &str,
    keys: Vec<Item>,
    what: &'static str,
) -> anyhow::Result<Vec<Item>> {
    let mut found = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(GET_CHUNK) {
        let mut left = Some(
            KeysAndAttributes::builder()
                .set_keys(Some(chunk.to_vec()))
                .consistent_read(true)
                .build()
                .context(what)?,
        );
        let mut attempt = 0;
        while let Some(keys) = left.take() {
            attempt += 1;
            if attempt > ATTEMPTS {
                bail!("{what}: keys still unprocessed after {ATTEMPTS} attempts");
            }
            if attempt > 1 {
                backoff(attempt - 1).await;
            }
            let output = db
                .batch_get_item()
                .request_items(table, keys)
                .send()
                .await
                .context(what)?;
            found.extend(
                output
                    .responses
                    .and_then(|mut r| r.remove(table))
                    .unwrap_or_default(),
            );
            left = output
                .unprocessed_keys
                .and_then(|mut left| left.remove(table))
                .filter(|left| !left.keys().is_empty());
        }
    }
    Ok(found)
}

/// Puts `items` (unconditionally: batch writes take no conditions), 25 at a time.
pub async fn batch_put(
    db: &aws_sdk_dynamodb::Client,
    table: &str,
    items: Vec<Item>,
    what: &'static str,
) -> anyhow::Result<()> {
    let requests = items
        .into_iter()
        .map(|item| {
            let put = PutRequest::builder().set_item(Some(item)).build()?;
            Ok(WriteRequest::builder().put_request(put).build())
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .context(what)?;
    batch_write(db, table, requests, what).await
}

/// Runs write requests (puts and deletes), 25 at a time.
pub async fn batch_write(
    db: &aws_sdk_dynamodb::Client,
    table: &str,
    requests: Vec<WriteRequest>,
    what: &'static str,
) -> anyhow::Result<()> {
    for chunk in requests.chunks(WRITE_CHUNK) {
        let mut left = chunk.to_vec();
        let mut attempt = 0;
        while !left.is_empty() {
            attempt += 1;
            if attempt > ATTEMPTS {
                bail!("{what}: writes still unprocessed after {ATTEMPTS} attempts");
            }
            if attempt > 1 {
                backoff(attempt - 1).await;
            }
            let output = db
                .batch_write_item()
                .request_items(table, std::mem::take(&mut left))
                .send()
                .await
                .context(what)?;
            left = output
                .unprocessed_items
                .and_then(|mut items| items.remove(table))
                .unwrap_or_default();
        }
    }
    Ok(())
}
