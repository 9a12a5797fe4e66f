//! Products: created with their SKU marker in one transaction, soft-deleted and restored,
//! given a picture, each change one conditional write (changes of fields are in
//! `product_changes`). A failed condition is explained by reading the product afterwards;
//! nothing is decided from that read.

use anyhow::Context;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::ReturnValue;
use bazaar_shared::dynamo::{
    Item, TransactError, from_item, is_condition_failed, put_new, string, timestamp, to_item,
    transact,
};
use time::OffsetDateTime;

use super::{ShopStore, index_keys, product_key, sku_key, with_index_keys};
use crate::input::NewProduct;
use crate::model::ProductRecord;

/// Why a product was not written.
#[derive(Debug, thiserror::Error)]
pub enum ProductError {
    #[error("no such product")]
    NotFound,
    #[error("the SKU {0} is taken")]
    SkuTaken(String),
    /// Deleted products are not changed (restore first) nor deleted again.
    #[error("the product is deleted")]
    Deleted,
    #[error("the product is not deleted")]
    NotDeleted,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The actions of the creating transaction, in this order.
const MARKER: usize = 1;

const INDEX_PKS: &str = "gsi1pk, gsi2pk, gsi3pk, gsi4pk";
const INDEX_SKS: &str = "gsi1sk, gsi2sk, gsi3sk, gsi4sk";

impl ShopStore {
    /// Stores a new, live product and claims its SKU, or says the SKU is taken.
    pub async fn create_product(
        &self,
        new: &NewProduct,
        now: OffsetDateTime,
    ) -> Result<ProductRecord, ProductError> {
        let product_id = uuid::Uuid::now_v7().to_string();
        let at = timestamp(now);
        let record = ProductRecord {
            product_id: product_id.clone(),
            sku: new.sku.clone(),
            name: new.name.clone(),
            description: new.description.clone(),
            price_minor: new.price_minor,
            currency: new.currency.clone(),
            stock: new.stock,
            low_stock_threshold: new.low_stock_threshold,
            category: new.category.clone(),
            image_key: None,
            created_at: at.clone(),
            updated_at: at.clone(),
            deleted_at: None,
            low_alerted_at: None,
            low_alerts: 0,
        };
        let mut item: Item = to_item(&record).context("encoding a product")?;
        item.extend(product_key(&product_id));
        let mut marker = sku_key(&new.sku);
        marker.insert("product_id".into(), string(&product_id));
        marker.insert("created_at".into(), string(&at));
        let items = vec![
            put_new(&self.table, with_index_keys(item, &record))?,
            put_new(&self.table, marker)?,
        ];
        match transact(&self.db, items, "creating a product").await {
            Ok(()) => Ok(record),
            Err(e) if e.is_contended() => Err(ProductError::Contention),
            Err(e) if e.failed_at(MARKER) => Err(ProductError::SkuTaken(new.sku.clone())),
            Err(TransactError::Failed(e)) => Err(e.into()),
            Err(e) => Err(anyhow::Error::from(e).context("creating a product").into()),
        }
    }

    /// An update of one product that returns it as written.
    pub(super) fn product_update(&self, product_id: &str, at: &str) -> UpdateItemFluentBuilder {
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(product_key(product_id)))
            .expression_attribute_values(":at", string(at))
            .return_values(ReturnValue::AllNew)
    }

    /// Runs a product update; a failed condition is `NotFound`, or `if_live` / `if_deleted`
    /// by the product as it is now.
    pub(super) async fn run_update(
        &self,
        update: UpdateItemFluentBuilder,
        product_id: &str,
        if_live: ProductError,
        if_deleted: ProductError,
    ) -> Result<ProductRecord, ProductError> {
        match update.send().await {
            Ok(output) => {
                Ok(from_item(output.attributes.unwrap_or_default())
                    .context("decoding a product")?)
            }
            Err(error) if is_condition_failed(&error) => match self.product(product_id).await? {
                None => Err(ProductError::NotFound),
                Some(p) if p.is_live() => Err(if_live),
                Some(_) => Err(if_deleted),
            },
            Err(error) => Err(anyhow::Error::from(error)
                .context("updating a product")
                .into()),
        }
    }

    /// Soft-deletes a live product: it leaves the catalogue (its index keys go) and can no
    /// longer be ordered, but keeps its history and its SKU.
    pub async fn delete_product(
        &self,
        product_id: &str,
        now: OffsetDateTime,
    ) -> Result<ProductRecord, ProductError> {
        let update = self
            .product_update(product_id, &timestamp(now))
            .update_expression(format!(
                "SET deleted_at = :at, updated_at = :at REMOVE {INDEX_PKS}, {INDEX_SKS}"
            ))
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(deleted_at)");
        // Live again by now: deleted and restored in between.
        self.run_update(
            update,
            product_id,
            ProductError::Contention,
            ProductError::Deleted,
        )
        .await
    }

    /// Restores a deleted product into the catalogue.
    pub async fn restore_product(
        &self,
        product_id: &str,
        now: OffsetDateTime,
    ) -> Result<ProductRecord, ProductError> {
        let product = match self.product(product_id).await? {
            None => return Err(ProductError::NotFound),
            Some(p) if p.is_live() => return Err(ProductError::NotDeleted),
            Some(p) => p,
        };
        let mut update = self.product_update(product_id, &timestamp(now));
        let mut sets = vec!["updated_at = :at".to_owned()];
        // Price and category cannot change while deleted: the keys read are still right.
        for (name, value) in index_keys(&product) {
            update = update.expression_attribute_values(format!(":{name}"), string(value));
            sets.push(format!("{name} = :{name}"));
        }
        let update = update
            .update_expression(format!("SET {} REMOVE deleted_at", sets.join(", ")))
            .condition_expression("attribute_exists(deleted_at)");
        self.run_update(
            update,
            product_id,
            ProductError::NotDeleted,
            ProductError::Contention,
        )
        .await
    }

    /// Points a product at a new picture; returns it and the key of the picture it replaced.
    pub async fn set_image(
        &self,
        product_id: &str,
        image_key: &str,
        now: OffsetDateTime,
    ) -> Result<(ProductRecord, Option<String>), ProductError> {
        let at = timestamp(now);
        let output = self
            .product_update(product_id, &at)
            .update_expression("SET image_key = :key, updated_at = :at")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":key", string(image_key))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match output {
            Ok(output) => {
                let mut product: ProductRecord = from_item(output.attributes.unwrap_or_default())
                    .context("decoding a product")?;
                let previous = product.image_key.replace(image_key.to_owned());
                product.updated_at = at;
                Ok((product, previous))
            }
            Err(error) if is_condition_failed(&error) => Err(ProductError::NotFound),
            Err(error) => Err(anyhow::Error::from(error)
                .context("setting a product picture")
                .into()),
        }
    }
}
