//! Broker stores: a broker keeps one store profile; anyone browses the directory, by city.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Authorized, Role, RoleGuard};
use bazaar_shared::error::FieldError;
use bazaar_shared::extract::{Json, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::BondsState;
use crate::store::{StoreItem, city_key, timestamp};

/// Brokers only.
#[derive(Debug, Clone)]
pub struct BrokerOnly;
impl RoleGuard for BrokerOnly {
    const ROLES: &'static [Role] = &[Role::Broker];
}

type Broker = Authorized<BrokerOnly>;

pub fn routes() -> Router<BondsState> {
    Router::new().route("/stores", get(directory)).route(
        "/stores/mine",
        get(my_store).put(save_store).delete(delete_store),
    )
}

#[derive(OpenApi)]
#[openapi(paths(directory, my_store, save_store, delete_store))]
pub struct StoresApiDoc;

/// A broker's store, as the directory shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrokerStore {
    /// The broker's user id.
    pub broker_id: String,
    pub name: String,
    pub description: String,
    pub city: String,
    pub area: String,
    pub phone: String,
    pub email: String,
    pub updated_at: String,
}

impl From<StoreItem> for BrokerStore {
    fn from(s: StoreItem) -> Self {
        Self {
            broker_id: s.user_id,
            name: s.name,
            description: s.description,
            city: s.city,
            area: s.area,
            phone: s.phone,
            email: s.email,
            updated_at: s.updated_at,
        }
    }
}

/// A store profile (all fields; a save replaces the profile).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreProfile {
    name: String,
    #[serde(default)]
    description: String,
    city: String,
    area: String,
    phone: String,
    email: String,
}

fn field(name: &str, value: &str, min: usize, max: usize, errors: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    let length = value.chars().count();
    if length < min || length > max || value.chars().any(|c| c.is_control() && c != '\n') {
        errors.push(FieldError::new(
            name,
            format!("must be {min} to {max} characters"),
        ));
    }
    value.to_owned()
}

impl StoreProfile {
    fn into_item(self, user_id: &str, created_at: Option<String>) -> Result<StoreItem, ApiError> {
        let mut errors = Vec::new();
        let name = field("name", &self.name, 1, 80, &mut errors);
        let description = field("description", &self.description, 0, 1000, &mut errors);
        let city = field("city", &self.city, 1, 60, &mut errors);
        let area = field("area", &self.area, 1, 80, &mut errors);
        let phone = self.phone.trim().to_owned();
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !(7..=15).contains(&digits)
            || !phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        {
            errors.push(FieldError::new(
                "phone",
                "must be a phone number of 7 to 15 digits",
            ));
        }
        let email = self.email.trim().to_lowercase();
        if email.len() > 254 || !validator::ValidateEmail::validate_email(&email) {
            errors.push(FieldError::new("email", "must be a valid e-mail address"));
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let now = timestamp();
        let sort = format!("{}#{user_id}", name.to_lowercase());
        Ok(StoreItem {
            pk: format!("STORE#{user_id}"),
            sk: "STORE".into(),
            gsi1pk: "STORES".into(),
            gsi1sk: sort.clone(),
            gsi2pk: format!("STORECITY#{}", city_key(&city)),
            gsi2sk: sort,
            user_id: user_id.to_owned(),
            name,
            description,
            city,
            area,
            phone,
            email,
            created_at: created_at.unwrap_or_else(|| now.clone()),
            updated_at: now,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoreFilter {
    /// Only stores in this city (case and spacing do not matter).
    city: Option<String>,
    limit: Option<u16>,
    cursor: Option<String>,
}

/// The public directory of brokers' stores, by name; optionally one city's.
#[utoipa::path(get, path = "/stores", tag = "stores", params(StoreFilter),
    responses((status = 200, body = Page<BrokerStore>)))]
async fn directory(
    State(state): State<BondsState>,
    Query(filter): Query<StoreFilter>,
) -> Result<Json<Page<BrokerStore>>, ApiError> {
    let city = filter
        .city
        .as_deref()
        .map(city_key)
        .filter(|c| !c.is_empty());
    let page = PageQuery {
        limit: filter.limit,
        cursor: filter.cursor,
    };
    let scope = format!("stores:{}", city.as_deref().unwrap_or("*"));
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store()
        .list_stores(city.as_deref(), page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(BrokerStore::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// The caller's store.
#[utoipa::path(get, path = "/stores/mine", tag = "stores", security(("bearer" = [])),
    responses((status = 200, body = BrokerStore), (status = 401), (status = 403), (status = 404)))]
async fn my_store(
    State(state): State<BondsState>,
    broker: Broker,
) -> Result<Json<BrokerStore>, ApiError> {
    let store = state
        .store()
        .broker_store(&broker.caller().user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("You have no store yet."))?;
    Ok(Json(store.into()))
}

/// Creates or replaces the caller's store profile.
#[utoipa::path(put, path = "/stores/mine", tag = "stores", security(("bearer" = [])), request_body = StoreProfile,
    responses((status = 200, body = BrokerStore), (status = 401), (status = 403), (status = 422)))]
async fn save_store(
    State(state): State<BondsState>,
    broker: Broker,
    Json(body): Json<StoreProfile>,
) -> Result<Json<BrokerStore>, ApiError> {
    let user_id = &broker.caller().user_id;
    let created_at = state
        .store()
        .broker_store(user_id)
        .await?
        .map(|s| s.created_at);
    let item = body.into_item(user_id, created_at)?;
    state.store().put_store(&item).await?;
    Ok(Json(item.into()))
}

/// Deletes the caller's store.
#[utoipa::path(delete, path = "/stores/mine", tag = "stores", security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404)))]
async fn delete_store(
    State(state): State<BondsState>,
    broker: Broker,
) -> Result<StatusCode, ApiError> {
    if state.store().delete_store(&broker.caller().user_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("You have no store."))
    }
}
