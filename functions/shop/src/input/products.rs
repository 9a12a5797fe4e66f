//! Product bodies: what staff may write. `id`, `deleted`, `image_url` or timestamps are
//! refused as unknown fields; `sku` and `currency` only at creation.

use bazaar_shared::ApiError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use bazaar_shared::error::{field_errors, invalid};
use bazaar_shared::rules::{currency_code, plain_text, rule, trimmed, trimmed_option};

use super::rules::{category as valid_category, sku as valid_sku};

/// `POST /shop/products`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewProductBody {
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "plain_text")
    )]
    pub name: String,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        length(max = 5000, message = "must be at most 5000 characters"),
        custom(function = "plain_text")
    )]
    pub description: String,
    /// 1 to 40 letters, digits, `-` or `_`; stored upper-case; unique; never changed.
    #[validate(custom(function = "valid_sku"))]
    pub sku: String,
    /// Price of one unit in minor units (cents), 1 to 100000000.
    #[validate(range(
        min = 1,
        max = 100_000_000,
        message = "must be between 1 and 100000000"
    ))]
    pub price_minor: u64,
    /// ISO 4217, e.g. `EUR`. Fixed once the product exists.
    #[validate(custom(function = "currency_code"))]
    pub currency: String,
    #[validate(range(max = 1_000_000, message = "must be between 0 and 1000000"))]
    pub stock: u64,
    /// Staff are mailed when stock falls below this (0, the default, never).
    #[serde(default)]
    #[validate(range(max = 1_000_000, message = "must be between 0 and 1000000"))]
    pub low_stock_threshold: u64,
    /// 1 to 40 lower-case letters, digits or `-`.
    #[validate(custom(function = "valid_category"))]
    pub category: String,
}

/// `PATCH /shop/products/{id}`: only these fields, each optional.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "names_a_change"))]
pub struct ProductChangesBody {
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(min = 1, max = 200, message = "must be 1 to 200 characters"),
        custom(function = "plain_text")
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(max = 5000, message = "must be at most 5000 characters"),
        custom(function = "plain_text")
    )]
    pub description: Option<String>,
    #[validate(range(
        min = 1,
        max = 100_000_000,
        message = "must be between 1 and 100000000"
    ))]
    pub price_minor: Option<u64>,
    /// Sets the stock outright (a count after a stock-take or a delivery).
    #[validate(range(max = 1_000_000, message = "must be between 0 and 1000000"))]
    pub stock: Option<u64>,
    #[validate(range(max = 1_000_000, message = "must be between 0 and 1000000"))]
    pub low_stock_threshold: Option<u64>,
    #[validate(custom(function = "valid_category"))]
    pub category: Option<String>,
}

/// A valid new product (its JSON is the fingerprint of a create request).
#[derive(Debug, Clone, Serialize)]
pub struct NewProduct {
    pub name: String,
    pub description: String,
    pub sku: String,
    pub price_minor: u64,
    pub currency: String,
    pub stock: u64,
    pub low_stock_threshold: u64,
    pub category: String,
}

/// Valid changes: at least one field.
#[derive(Debug, Clone, Default)]
pub struct ProductChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub price_minor: Option<u64>,
    pub stock: Option<u64>,
    pub low_stock_threshold: Option<u64>,
    pub category: Option<String>,
}

fn names_a_change(body: &ProductChangesBody) -> Result<(), ValidationError> {
    let empty = body.name.is_none()
        && body.description.is_none()
        && body.price_minor.is_none()
        && body.stock.is_none()
        && body.low_stock_threshold.is_none()
        && body.category.is_none();
    match empty {
        true => Err(rule("name at least one field to change")),
        false => Ok(()),
    }
}

impl NewProductBody {
    pub fn parse(self) -> Result<NewProduct, ApiError> {
        let problems = field_errors(self.validate());
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        Ok(NewProduct {
            name: self.name,
            description: self.description,
            sku: self.sku.to_ascii_uppercase(),
            price_minor: self.price_minor,
            currency: self.currency,
            stock: self.stock,
            low_stock_threshold: self.low_stock_threshold,
            category: self.category,
        })
    }
}

impl ProductChangesBody {
    pub fn parse(self) -> Result<ProductChanges, ApiError> {
        let problems = field_errors(self.validate());
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        Ok(ProductChanges {
            name: self.name,
            description: self.description,
            price_minor: self.price_minor,
            stock: self.stock,
            low_stock_threshold: self.low_stock_threshold,
            category: self.category,
        })
    }
}
