//! Brokers' store profiles ("shops" here, so as not to be confused with this [`Store`]): one
//! per broker, in a directory by name (gsi1) and by city (gsi2).

use anyhow::Context;
use bazaar_shared::dynamo::Item;
use bazaar_shared::dynamo::item_at;

use super::keys::{self, SHOPS_PK};
use super::{Store, StorePage};
use crate::model::ShopRecord;

impl Store {
    pub async fn shop(&self, user_id: &str) -> anyhow::Result<Option<ShopRecord>> {
        self.get(keys::shop_key(user_id), "reading a store").await
    }

    /// Creates or replaces a broker's store.
    pub async fn put_shop(&self, shop: &ShopRecord) -> anyhow::Result<()> {
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item_at(keys::shop_keys(shop), shop)?))
            .send()
            .await
            .context("saving a store")?;
        Ok(())
    }

    /// Deletes the broker's store; the store deleted, or `None` when there was none.
    pub async fn delete_shop(&self, user_id: &str) -> anyhow::Result<Option<ShopRecord>> {
        self.delete_returning(keys::shop_key(user_id), "deleting a store")
            .await
    }

    /// The directory by name, or one city's stores (`city` as [`keys::city_key`] spells it).
    pub async fn list_shops(
        &self,
        city: Option<&str>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<ShopRecord>> {
        match city {
            Some(city) => {
                self.index_page("gsi2", &keys::city_pk(city), true, limit, start)
                    .await
            }
            None => self.index_page("gsi1", SHOPS_PK, true, limit, start).await,
        }
    }
}
