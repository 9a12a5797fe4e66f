//! Broker requests, the applicant's side: apply, see the status, withdraw. The admin side is
//! in `broker_admin_api`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Caller, Role};
use bazaar_shared::error::FieldError;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::BondsState;
use crate::store::{RequestItem, RequestStatus};

pub fn routes() -> Router<BondsState> {
    applicant_routes().merge(crate::broker_admin_api::routes())
}

fn applicant_routes() -> Router<BondsState> {
    Router::new()
        .route("/broker-requests", post(submit))
        .route("/broker-requests/mine", get(mine))
        .route("/broker-requests/{id}/withdraw", post(withdraw))
}

#[derive(OpenApi)]
#[openapi(paths(submit, mine, withdraw))]
pub struct BrokerRequestsApiDoc;

/// A broker request as its applicant and admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrokerRequest {
    pub id: String,
    pub user_id: String,
    pub experience: String,
    pub description: String,
    pub status: RequestStatus,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<RequestItem> for BrokerRequest {
    fn from(r: RequestItem) -> Self {
        Self {
            id: r.request_id,
            user_id: r.user_id,
            experience: r.experience,
            description: r.description,
            status: r.status,
            created_at: r.created_at,
            decided_at: r.decided_at,
            reason: r.reason,
        }
    }
}

/// An application to become a broker.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// Years and kind of trading experience (1–500 characters).
    experience: String,
    /// Why, and where the store would be (1–2000 characters).
    description: String,
}

/// A decision's reason (required to reject, optional to approve).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub(crate) reason: Option<String>,
}

pub(crate) fn text(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let value = value.trim();
    let length = value.chars().count();
    if length == 0 || length > max {
        errors.push(FieldError::new(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    value.to_owned()
}

/// Applies to become a broker. One pending request at a time.
#[utoipa::path(post, path = "/broker-requests", tag = "brokers", security(("bearer" = [])), request_body = NewRequest,
    responses((status = 201, body = BrokerRequest), (status = 401), (status = 409, description = "Pending request, or already a broker"), (status = 422)))]
async fn submit(
    State(state): State<BondsState>,
    caller: Caller,
    Json(body): Json<NewRequest>,
) -> Result<(StatusCode, Json<BrokerRequest>), ApiError> {
    let mut errors = Vec::new();
    let experience = text("experience", &body.experience, 500, &mut errors);
    let description = text("description", &body.description, 2000, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if caller.has(Role::Broker) {
        return Err(ApiError::Conflict {
            problem: "already-broker",
            detail: "You are a broker already.".into(),
        });
    }
    let request = RequestItem::new(&caller.user_id, experience, description);
    if !state.store().submit_request(&request).await? {
        return Err(ApiError::Conflict {
            problem: "request-pending",
            detail: "You have a pending request; withdraw it or wait for the decision.".into(),
        });
    }
    Ok((StatusCode::CREATED, Json(request.into())))
}

/// The caller's requests and their status, newest first.
#[utoipa::path(get, path = "/broker-requests/mine", tag = "brokers", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<BrokerRequest>), (status = 401)))]
async fn mine(
    State(state): State<BondsState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<BrokerRequest>>, ApiError> {
    let scope = format!("broker-requests:{}", caller.user_id);
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store()
        .my_requests(&caller.user_id, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(BrokerRequest::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

pub(crate) async fn existing(state: &BondsState, id: &str) -> Result<RequestItem, ApiError> {
    state
        .store()
        .request(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such broker request."))
}

pub(crate) fn decided() -> ApiError {
    ApiError::Conflict {
        problem: "request-decided",
        detail: "The request is no longer pending.".into(),
    }
}

/// Withdraws the caller's pending request.
#[utoipa::path(post, path = "/broker-requests/{id}/withdraw", tag = "brokers", security(("bearer" = [])),
    responses((status = 200, body = BrokerRequest), (status = 401), (status = 404), (status = 409, description = "Not pending")))]
async fn withdraw(
    State(state): State<BondsState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<BrokerRequest>, ApiError> {
    let request = existing(&state, &id).await?;
    if request.user_id != caller.user_id {
        return Err(ApiError::not_found("No such broker request."));
    }
    let store = state.store();
    if !store
        .decide_request(
            &request,
            RequestStatus::Withdrawn,
            &caller.user_id,
            None,
            vec![],
        )
        .await?
    {
        return Err(decided());
    }
    Ok(Json(existing(&state, &id).await?.into()))
}
