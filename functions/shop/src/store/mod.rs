//! The shop table: products, SKU markers and orders, in one table.
//!
//! | item        | pk               | sk        | index keys                                   |
//! |-------------|------------------|-----------|----------------------------------------------|
//! | product     | `PRODUCT#<id>`   | `PRODUCT` | gsi1..gsi4, only while live (not deleted)    |
//! | SKU marker  | `SKU#<SKU>`      | `SKU`     | (holds `product_id`)                         |
//! | order       | `ORDER#<id>`     | `ORDER`   | gsi1 (customer), gsi2 (status)               |
//!
//! Indexes (all project ALL, so a listing is one query and never a batch read):
//! - gsi1: `CAT#<category>` / `<created>#<id>` (a category, newest) and, on orders,
//!   `CUSTOMER#<user>` / `<created>#<id>` (a customer's orders, newest);
//! - gsi2: `CAT#<category>` / `<price>#<id>` (a category by price) and, on orders,
//!   `STATUS#<status>` / `<created>#<id>` (orders of a status; moved by every transition);
//! - gsi3: `CATALOG` / `<created>#<id>` (every live product, newest);
//! - gsi4: `CATALOG` / `<price>#<id>` (every live product by price).
//!
//! `<price>` is `price_minor` zero-padded to 12 digits, so text order is price order. Product
//! index keys are sparse: deleting a product REMOVEs its four `gsi*pk`, restoring SETs them
//! again, so the catalogue holds live products only without a filter. The SKU marker is put
//! in the product's creating transaction (`attribute_not_exists`) and kept after a soft
//! delete: a deleted product still owns its SKU and can be restored.
//!
//! Times (`created_at`, `updated_at`, `deleted_at`, `low_alerted_at`, `reminded_at`) are
//! `bazaar_shared::dynamo::timestamp`s. Ids are UUIDv7 (time ordered).
//!
//! Files: `products` (create, delete, restore, picture), `product_changes`, `catalogue`
//! (index pages), `checkout` (one transaction per order), `lifecycle` (cancel and status
//! moves, one transaction each), `orders` (listings), `sweeps` (low-stock alerts, reminders).

mod catalogue;
mod checkout;
#[cfg(test)]
mod checkout_tests;
mod lifecycle;
mod orders;
mod product_changes;
mod products;
mod sweeps;

use std::collections::HashMap;

use anyhow::Context;
use bazaar_shared::dynamo::{Item, batch_get, from_items, get_item, key, string};

pub use catalogue::{CatalogueQuery, Sort};
pub use checkout::{OrderError, explain};
pub use lifecycle::MoveError;
pub use orders::OrderListing;
pub use products::ProductError;
pub use sweeps::Alert;

use crate::model::{OrderRecord, ProductRecord};

/// `gsi3pk`/`gsi4pk` of every live product.
const CATALOG: &str = "CATALOG";

/// The shop table, through the SDK: every read and write of the crate goes through here.
#[derive(Clone, Debug)]
pub struct ShopStore {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

fn product_key(product_id: &str) -> Item {
    key(format!("PRODUCT#{product_id}"), "PRODUCT")
}

fn sku_key(sku: &str) -> Item {
    key(format!("SKU#{sku}"), "SKU")
}

fn order_key(order_id: &str) -> Item {
    key(format!("ORDER#{order_id}"), "ORDER")
}

fn category_pk(category: &str) -> String {
    format!("CAT#{category}")
}

fn customer_pk(user_id: &str) -> String {
    format!("CUSTOMER#{user_id}")
}

fn status_pk(status: &str) -> String {
    format!("STATUS#{status}")
}

/// `<created>#<id>`: newest-first listings.
fn created_sort_key(created_at: &str, id: &str) -> String {
    format!("{created_at}#{id}")
}

/// `<price, 12 digits>#<id>`: listings by price.
fn price_sort_key(price_minor: u64, id: &str) -> String {
    format!("{price_minor:012}#{id}")
}

/// The catalogue index keys of a live product.
fn index_keys(p: &ProductRecord) -> [(&'static str, String); 8] {
    let by_price = price_sort_key(p.price_minor, &p.product_id);
    let by_created = created_sort_key(&p.created_at, &p.product_id);
    [
        ("gsi1pk", category_pk(&p.category)),
        ("gsi1sk", by_created.clone()),
        ("gsi2pk", category_pk(&p.category)),
        ("gsi2sk", by_price.clone()),
        ("gsi3pk", CATALOG.to_owned()),
        ("gsi3sk", by_created),
        ("gsi4pk", CATALOG.to_owned()),
        ("gsi4sk", by_price),
    ]
}

impl ShopStore {
    pub fn new(db: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            db,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// A product, live or deleted.
    pub async fn product(&self, product_id: &str) -> anyhow::Result<Option<ProductRecord>> {
        get_item(
            &self.db,
            &self.table,
            product_key(product_id),
            "reading a product",
        )
        .await
    }

    /// The products of `ids`, by id (missing ones are left out).
    pub async fn products(&self, ids: &[String]) -> anyhow::Result<HashMap<String, ProductRecord>> {
        let mut unique: Vec<&String> = ids.iter().collect();
        unique.sort();
        unique.dedup();
        let keys = unique.into_iter().map(|id| product_key(id)).collect();
        let items = batch_get(&self.db, &self.table, keys, "reading products").await?;
        let products: Vec<ProductRecord> = from_items(items).context("decoding products")?;
        Ok(products
            .into_iter()
            .map(|p| (p.product_id.clone(), p))
            .collect())
    }

    /// An order, whoever's it is.
    pub async fn order(&self, order_id: &str) -> anyhow::Result<Option<OrderRecord>> {
        get_item(
            &self.db,
            &self.table,
            order_key(order_id),
            "reading an order",
        )
        .await
    }
}

/// `item` with the catalogue index keys of `product` added.
fn with_index_keys(mut item: Item, product: &ProductRecord) -> Item {
    for (name, value) in index_keys(product) {
        item.insert(name.to_owned(), string(value));
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_keys_sort_as_text_like_the_prices() {
        assert_eq!(price_sort_key(1500, "x"), "000000001500#x");
        assert!(price_sort_key(999, "z") < price_sort_key(1000, "a"));
        assert!(price_sort_key(100_000_000, "a").as_str() < "999999999999~");
        assert_eq!(category_pk("kitchen"), "CAT#kitchen");
    }
}
