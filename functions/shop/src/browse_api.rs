//! The public catalogue: live products from the catalogue indexes (never a scan), by category
//! and price range, matching words, newest first or by price.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::dynamo::Item;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::catalog::CatalogState;
use crate::model::{ProductRecord, ProductView};
use crate::path_id;
use crate::store::{CatalogueQuery, ProductError, Sort};

/// Index pages read at most per request when a text filter leaves pages short.
const MAX_ROUNDS: usize = 5;
const MAX_QUERY_CHARS: usize = 100;
/// The highest price a product may have (`input::products`), so the highest bound worth asking.
const MAX_PRICE_MINOR: u64 = 100_000_000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CatalogueParams {
    /// Only this category.
    category: Option<String>,
    /// Lowest price, in minor units (inclusive).
    #[param(maximum = 100_000_000)]
    min_price: Option<u64>,
    /// Highest price, in minor units (inclusive).
    #[param(maximum = 100_000_000)]
    max_price: Option<u64>,
    /// Words to find in the name, description or SKU (case-insensitive).
    q: Option<String>,
    /// `newest` (default), `price_asc` or `price_desc`.
    #[param(inline)]
    sort: Option<Sort>,
    limit: Option<u16>,
    cursor: Option<String>,
}

fn matches(product: &ProductRecord, words: &[String]) -> bool {
    let haystack =
        format!("{} {} {}", product.name, product.description, product.sku).to_lowercase();
    words.iter().all(|w| haystack.contains(w.as_str()))
}

/// The query the parameters ask for, or 400.
fn catalogue_query(params: &CatalogueParams) -> Result<CatalogueQuery<'_>, ApiError> {
    if let Some(category) = &params.category
        && crate::input::category(category).is_err()
    {
        return Err(ApiError::bad_request(
            "category must be 1 to 40 lower-case letters, digits or -.",
        ));
    }
    let bounds = [params.min_price, params.max_price];
    if bounds
        .into_iter()
        .flatten()
        .any(|price| price > MAX_PRICE_MINOR)
    {
        return Err(ApiError::bad_request(format!(
            "min_price and max_price are at most {MAX_PRICE_MINOR} (no product costs more)."
        )));
    }
    if let (Some(min), Some(max)) = (params.min_price, params.max_price)
        && min > max
    {
        return Err(ApiError::bad_request(
            "min_price must not exceed max_price.",
        ));
    }
    Ok(CatalogueQuery {
        category: params.category.as_deref(),
        min_price: params.min_price,
        max_price: params.max_price,
        sort: params.sort.unwrap_or_default(),
    })
}

/// Live products, newest first unless `sort` says otherwise. A text filter is applied to each
/// index page, so a page may hold fewer than `limit` products while `next_cursor` goes on.
#[utoipa::path(get, path = "/shop/products", tag = "shop", params(CatalogueParams),
    responses((status = 200, body = Page<ProductView>), (status = 400)))]
pub(crate) async fn catalogue(
    State(state): State<CatalogState>,
    Query(params): Query<CatalogueParams>,
) -> Result<Json<Page<ProductView>>, ApiError> {
    let query = catalogue_query(&params)?;
    let q = params.q.as_deref().unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request("q must be at most 100 characters."));
    }
    let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
    let page = PageQuery {
        limit: params.limit,
        cursor: params.cursor.clone(),
    };
    let limit = page.limit()?;
    let scope = format!(
        "shop-catalogue:{}:{:?}:{:?}:{}:{}",
        query.category.unwrap_or_default(),
        query.min_price,
        query.max_price,
        query.sort.as_str(),
        words.join(" ")
    );
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (products, last) = matching(&state, &query, &words, limit, start).await?;
    Ok(Json(Page {
        items: state.images.views(&products).await?,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// Up to `limit` live products of `query` matching `words`, reading at most [`MAX_ROUNDS`]
/// index pages, and the key to go on from.
async fn matching(
    state: &CatalogState,
    query: &CatalogueQuery<'_>,
    words: &[String],
    limit: i32,
    mut start: Option<Item>,
) -> anyhow::Result<(Vec<ProductRecord>, Option<Item>)> {
    let mut found = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let wanted = limit - found.len() as i32;
        let (products, last) = state.store.catalogue_page(query, wanted, start).await?;
        found.extend(
            products
                .into_iter()
                .filter(|p| p.is_live() && matches(p, words)),
        );
        start = last;
        if start.is_none() || found.len() as i32 >= limit {
            break;
        }
    }
    Ok((found, start))
}

/// One live product. A deleted product is not found (staff: `/shop/staff/products/{id}`).
#[utoipa::path(get, path = "/shop/products/{id}", tag = "shop",
    responses((status = 200, body = ProductView), (status = 404)))]
pub(crate) async fn product(
    State(state): State<CatalogState>,
    Path(id): Path<String>,
) -> Result<Json<ProductView>, ApiError> {
    let id = path_id(&id, "product")?;
    match state.store.product(&id).await? {
        Some(p) if p.is_live() => Ok(Json(state.images.view(&p).await?)),
        _ => Err(ProductError::NotFound.into()),
    }
}
