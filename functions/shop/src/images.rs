//! Product pictures in the uploads bucket (`bazaar_shared::pictures`, as profile pictures are):
//! stored under `shop/products/<id>/`, shown through 5-minute links.

use bazaar_shared::ApiError;
use bazaar_shared::pictures::Pictures;

pub use bazaar_shared::pictures::PICTURE_MAX_BYTES as IMAGE_MAX_BYTES;

use crate::model::{ProductRecord, ProductView};

/// The bucket of product pictures.
#[derive(Clone, Debug)]
pub struct Images(Pictures);

impl Images {
    pub fn new(s3: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self(Pictures::new(s3, bucket))
    }

    /// Stores a picture of `product_id` and returns its key; 415 unless JPEG, PNG or WebP.
    pub async fn put(
        &self,
        product_id: &str,
        bytes: axum::body::Bytes,
    ) -> Result<String, ApiError> {
        self.0
            .put(&format!("shop/products/{product_id}"), bytes)
            .await
    }

    /// Deletes a replaced picture (a failure is logged).
    pub async fn discard(&self, key: &str) {
        self.0.discard(key).await
    }

    /// The product as the API shows it, with a fresh link to its picture.
    pub async fn view(&self, product: &ProductRecord) -> anyhow::Result<ProductView> {
        let image_url = match &product.image_key {
            Some(key) => Some(self.0.link(key).await?),
            None => None,
        };
        Ok(ProductView::new(product, image_url))
    }

    /// [`Images::view`] of each product, in order.
    pub async fn views(&self, products: &[ProductRecord]) -> anyhow::Result<Vec<ProductView>> {
        let mut views = Vec::with_capacity(products.len());
        for product in products {
            views.push(self.view(product).await?);
        }
        Ok(views)
    }
}
