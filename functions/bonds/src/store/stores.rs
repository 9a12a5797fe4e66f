//! Brokers' store profiles: one per broker, in a directory by name (gsi1) and by city (gsi2).

use anyhow::Context;
use bazaar_shared::dynamo::{Item, is_condition_failed, to_item};
use serde::{Deserialize, Serialize};

use super::{Store, StorePage, key};

/// A broker's store profile, listed in the directory (gsi1) and by city (gsi2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoreItem {
    pub pk: String,
    pub sk: String,
    pub gsi1pk: String,
    pub gsi1sk: String,
    pub gsi2pk: String,
    pub gsi2sk: String,
    pub user_id: String,
    pub name: String,
    pub description: String,
    pub city: String,
    pub area: String,
    pub phone: String,
    pub email: String,
    pub created_at: String,
    pub updated_at: String,
}

/// The city key: case and spacing do not split a city in two.
pub fn city_key(city: &str) -> String {
    city.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub fn store_key(user_id: &str) -> Item {
    key(format!("STORE#{user_id}"), "STORE")
}

impl Store {
    pub async fn broker_store(&self, user_id: &str) -> anyhow::Result<Option<StoreItem>> {
        self.get(store_key(user_id), "reading a store").await
    }

    pub async fn put_store(&self, store: &StoreItem) -> anyhow::Result<()> {
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(store)?))
            .send()
            .await
            .context("saving a store")?;
        Ok(())
    }

    /// Deletes the broker's store; false when there was none.
    pub async fn delete_store(&self, user_id: &str) -> anyhow::Result<bool> {
        match self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(store_key(user_id)))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(e).context("deleting a store"),
        }
    }

    /// The directory by name, or one city's stores.
    pub async fn list_stores(
        &self,
        city: Option<&str>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<StoreItem>> {
        match city {
            Some(city) => {
                self.page(
                    "gsi2",
                    &format!("STORECITY#{}", city_key(city)),
                    true,
                    limit,
                    start,
                )
                .await
            }
            None => self.page("gsi1", "STORES", true, limit, start).await,
        }
    }
}
