//! Broker stores: a broker keeps one store profile; anyone browses the directory, by city.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Authorized, Role, RoleGuard};
use bazaar_shared::extract::{Json, Query};
use bazaar_shared::pagination::Page;

use super::BrokersState;
use crate::input::brokers::{StoreFilter, StoreProfileBody};
use crate::views::BrokerStore;

/// Brokers only.
#[derive(Debug, Clone)]
pub struct BrokerOnly;
impl RoleGuard for BrokerOnly {
    const ROLES: &'static [Role] = &[Role::Broker];
}

type Broker = Authorized<BrokerOnly>;

/// The public directory of brokers' stores, by name; optionally one city's.
#[utoipa::path(get, path = "/stores", tag = "stores", params(StoreFilter),
    responses((status = 200, body = Page<BrokerStore>)))]
pub(super) async fn directory(
    State(state): State<BrokersState>,
    Query(filter): Query<StoreFilter>,
) -> Result<Json<Page<BrokerStore>>, ApiError> {
    let city = filter.city();
    let page = filter.page();
    let scope = format!("stores:{}", city.as_deref().unwrap_or("*"));
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store
        .list_shops(city.as_deref(), page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(BrokerStore::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// The caller's store.
#[utoipa::path(get, path = "/stores/mine", tag = "stores", security(("bearer" = [])),
    responses((status = 200, body = BrokerStore), (status = 401), (status = 403), (status = 404)))]
pub(super) async fn my_store(
    State(state): State<BrokersState>,
    broker: Broker,
) -> Result<Json<BrokerStore>, ApiError> {
    let shop = state
        .store
        .shop(&broker.caller().user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("You have no store yet."))?;
    Ok(Json(shop.into()))
}

/// Creates or replaces the caller's store profile.
#[utoipa::path(put, path = "/stores/mine", tag = "stores", security(("bearer" = [])), request_body = StoreProfileBody,
    responses((status = 200, body = BrokerStore), (status = 401), (status = 403), (status = 422)))]
pub(super) async fn save_store(
    State(state): State<BrokersState>,
    broker: Broker,
    Json(body): Json<StoreProfileBody>,
) -> Result<Json<BrokerStore>, ApiError> {
    let profile = body.parse()?;
    let user_id = &broker.caller().user_id;
    let created_at = state.store.shop(user_id).await?.map(|s| s.created_at);
    let shop = profile.record(user_id, created_at, state.clock.now());
    state.store.put_shop(&shop).await?;
    Ok(Json(shop.into()))
}

/// Deletes the caller's store.
#[utoipa::path(delete, path = "/stores/mine", tag = "stores", security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
pub(super) async fn delete_store(
    State(state): State<BrokersState>,
    broker: Broker,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .delete_shop(&broker.caller().user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("You have no store."))?;
    Ok(StatusCode::NO_CONTENT)
}
