//! The public catalogue: pages of live products from the four sparse indexes (never a scan).
//! The indexes project every attribute, so a page is one query.

use anyhow::Context;
use bazaar_shared::dynamo::{Item, from_items, number, string};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{CATALOG, ShopStore, category_pk};
use crate::model::ProductRecord;

/// The order of a catalogue listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Newest,
    PriceAsc,
    PriceDesc,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
        }
    }
}

/// Which live products, in which order.
#[derive(Debug, Clone, Copy, Default)]
pub struct CatalogueQuery<'a> {
    pub category: Option<&'a str>,
    pub min_price: Option<u64>,
    pub max_price: Option<u64>,
    pub sort: Sort,
}

impl CatalogueQuery<'_> {
    /// The index, its partition key and sort key attributes, and its partition.
    fn index(&self) -> (&'static str, &'static str, &'static str, String) {
        match (self.category, self.sort) {
            (Some(c), Sort::Newest) => ("gsi1", "gsi1pk", "gsi1sk", category_pk(c)),
            (Some(c), _) => ("gsi2", "gsi2pk", "gsi2sk", category_pk(c)),
            (None, Sort::Newest) => ("gsi3", "gsi3pk", "gsi3sk", CATALOG.to_owned()),
            (None, _) => ("gsi4", "gsi4pk", "gsi4sk", CATALOG.to_owned()),
        }
    }

    fn price_bounded(&self) -> bool {
        self.min_price.is_some() || self.max_price.is_some()
    }
}

impl ShopStore {
    /// One page of live products, and the key to continue from. On the price indexes the price
    /// range is part of the key condition; on the newest-first ones it is a filter, so a page
    /// may come back short while there is more.
    pub async fn catalogue_page(
        &self,
        query: &CatalogueQuery<'_>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<ProductRecord>, Option<Item>)> {
        let (index, pk, sk, partition) = query.index();
        let min = query.min_price.unwrap_or(0);
        let max = query.max_price.unwrap_or(999_999_999_999);
        let mut request = self
            .db
            .query()
            .table_name(&self.table)
            .index_name(index)
            .scan_index_forward(query.sort == Sort::PriceAsc)
            .limit(limit)
            .set_exclusive_start_key(start)
            .expression_attribute_names("#pk", pk)
            .expression_attribute_values(":pk", string(partition));
        request = match (query.sort, query.price_bounded()) {
            (_, false) => request.key_condition_expression("#pk = :pk"),
            (Sort::Newest, true) => request
                .key_condition_expression("#pk = :pk")
                .filter_expression("price_minor BETWEEN :min AND :max")
                .expression_attribute_values(":min", number(min))
                .expression_attribute_values(":max", number(max)),
            // `~` sorts after `#<id>`: products priced exactly `max` are in.
            (_, true) => request
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :min AND :max")
                .expression_attribute_names("#sk", sk)
                .expression_attribute_values(":min", string(format!("{min:012}#")))
                .expression_attribute_values(":max", string(format!("{max:012}#~"))),
        };
        let output = request.send().await.context("querying the catalogue")?;
        let products = from_items(output.items.unwrap_or_default()).context("decoding products")?;
        Ok((products, output.last_evaluated_key))
    }
}
