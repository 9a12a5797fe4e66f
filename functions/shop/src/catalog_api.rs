//! Staff's catalogue routes: create (optionally with an `Idempotency-Key`), change through an
//! allow-list, soft-delete, restore, upload a picture, and read any product, deleted or not.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Authorized;
use bazaar_shared::extract::{Json, Path, RawBody};
use bazaar_shared::replay::{self, IdempotencyKey};

use crate::catalog::CatalogState;
use crate::input::{NewProduct, NewProductBody, ProductChangesBody};
use crate::model::ProductView;
use crate::store::ProductError;
use crate::{StaffOnly, path_id};

type Staff = Authorized<StaffOnly>;

impl From<ProductError> for ApiError {
    fn from(error: ProductError) -> Self {
        match error {
            ProductError::NotFound => ApiError::not_found("No such product."),
            ProductError::SkuTaken(sku) => ApiError::Conflict {
                problem: "sku-taken",
                detail: format!("Another product already has the SKU {sku}."),
            },
            ProductError::Deleted => ApiError::Conflict {
                problem: "already-deleted",
                detail: "The product is deleted.".into(),
            },
            ProductError::NotDeleted => ApiError::Conflict {
                problem: "not-deleted",
                detail: "The product is not deleted; there is nothing to restore.".into(),
            },
            ProductError::Contention => ApiError::contention(),
            ProductError::Other(e) => ApiError::Internal(e),
        }
    }
}

async fn make_product(
    state: &CatalogState,
    new: &NewProduct,
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    let product = state.store.create_product(new, state.clock.now()).await?;
    let view = state.images.view(&product).await?;
    let body = serde_json::to_value(view).map_err(anyhow::Error::from)?;
    Ok((StatusCode::CREATED, body))
}

/// Creates a live product and claims its SKU. With an `Idempotency-Key` header a retried
/// request gets the first answer (marked `Idempotent-Replayed: true`).
#[utoipa::path(post, path = "/shop/products", tag = "shop", security(("bearer" = [])),
    request_body = NewProductBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = ProductView), (status = 401), (status = 403),
        (status = 409, description = "sku-taken, contention or request-in-progress"),
        (status = 422, description = "Invalid or unknown fields, or idempotency-key-reused")))]
pub(crate) async fn create_product(
    State(state): State<CatalogState>,
    staff: Staff,
    key: IdempotencyKey,
    Json(body): Json<NewProductBody>,
) -> Result<Response, ApiError> {
    let new = body.parse()?;
    let request = serde_json::to_string(&new).map_err(anyhow::Error::from)?;
    let fingerprint = replay::fingerprint(&["create-product", &request]);
    let scope = format!("shop:create-product:{}", staff.caller().user_id);
    replay::once(&state.replays, &scope, &key, fingerprint, || {
        make_product(&state, &new)
    })
    .await
}

/// Changes allow-listed fields of a live product (`sku`, `currency` and the rest are refused).
/// Stock set at or above the threshold arms the low-stock alert again.
#[utoipa::path(patch, path = "/shop/products/{id}", tag = "shop", security(("bearer" = [])),
    request_body = ProductChangesBody,
    responses((status = 200, body = ProductView), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "product-deleted or contention"), (status = 422)))]
pub(crate) async fn change_product(
    State(state): State<CatalogState>,
    _staff: Staff,
    Path(id): Path<String>,
    Json(body): Json<ProductChangesBody>,
) -> Result<Json<ProductView>, ApiError> {
    let id = path_id(&id, "product")?;
    let changes = body.parse()?;
    let changed = state
        .store
        .change_product(&id, &changes, state.clock.now())
        .await;
    let product = changed.map_err(|error| match error {
        ProductError::Deleted => ApiError::Conflict {
            problem: "product-deleted",
            detail: "The product is deleted; restore it before changing it.".into(),
        },
        error => error.into(),
    })?;
    Ok(Json(state.images.view(&product).await?))
}

/// Soft-deletes a product: gone from the catalogue and from checkout, kept for its history.
#[utoipa::path(delete, path = "/shop/products/{id}", tag = "shop", security(("bearer" = [])),
    responses((status = 200, body = ProductView), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already-deleted")))]
pub(crate) async fn delete_product(
    State(state): State<CatalogState>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<ProductView>, ApiError> {
    let id = path_id(&id, "product")?;
    let product = state.store.delete_product(&id, state.clock.now()).await?;
    Ok(Json(state.images.view(&product).await?))
}

/// Restores a deleted product into the catalogue.
#[utoipa::path(post, path = "/shop/products/{id}/restore", tag = "shop", security(("bearer" = [])),
    responses((status = 200, body = ProductView), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "not-deleted")))]
pub(crate) async fn restore_product(
    State(state): State<CatalogState>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<ProductView>, ApiError> {
    let id = path_id(&id, "product")?;
    let product = state.store.restore_product(&id, state.clock.now()).await?;
    Ok(Json(state.images.view(&product).await?))
}

/// Replaces the product's picture with the request body (JPEG, PNG or WebP, ≤ 2 MB).
#[utoipa::path(put, path = "/shop/products/{id}/image", tag = "shop", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, body = ProductView), (status = 401), (status = 403), (status = 404),
        (status = 413, description = "Over 2 MB"), (status = 415, description = "Not JPEG, PNG or WebP")))]
pub(crate) async fn put_image(
    State(state): State<CatalogState>,
    _staff: Staff,
    Path(id): Path<String>,
    RawBody(bytes): RawBody,
) -> Result<Json<ProductView>, ApiError> {
    let id = path_id(&id, "product")?;
    // No picture is stored for a product that does not exist.
    if state.store.product(&id).await?.is_none() {
        return Err(ProductError::NotFound.into());
    }
    let key = state.images.put(&id, bytes).await?;
    let (product, previous) = state.store.set_image(&id, &key, state.clock.now()).await?;
    if let Some(previous) = previous.filter(|p| *p != key) {
        state.images.discard(&previous).await;
    }
    Ok(Json(state.images.view(&product).await?))
}

/// Any product, deleted ones too.
#[utoipa::path(get, path = "/shop/staff/products/{id}", tag = "shop", security(("bearer" = [])),
    responses((status = 200, body = ProductView), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn staff_product(
    State(state): State<CatalogState>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<ProductView>, ApiError> {
    let id = path_id(&id, "product")?;
    let product = state
        .store
        .product(&id)
        .await?
        .ok_or(ProductError::NotFound)?;
    Ok(Json(state.images.view(&product).await?))
}
