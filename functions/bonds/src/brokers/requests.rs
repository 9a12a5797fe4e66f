//! Broker requests, the applicant's side: apply, see the status, withdraw.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Caller, Role};
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};

use super::BrokersState;
use crate::input::brokers::NewRequestBody;
use crate::model::{RequestRecord, RequestStatus};
use crate::problems::no_such_request;
use crate::store::Decision;
use crate::views::BrokerRequest;

/// Applies to become a broker. One pending request at a time.
#[utoipa::path(post, path = "/broker-requests", tag = "brokers", security(("bearer" = [])), request_body = NewRequestBody,
    responses((status = 201, body = BrokerRequest), (status = 401), (status = 409, description = "Pending request, or already a broker"), (status = 422)))]
pub(super) async fn submit(
    State(state): State<BrokersState>,
    caller: Caller,
    Json(body): Json<NewRequestBody>,
) -> Result<(StatusCode, Json<BrokerRequest>), ApiError> {
    let body = body.parse()?;
    if caller.has(Role::Broker) {
        return Err(ApiError::Conflict {
            problem: "already-broker",
            detail: "You are a broker already.".into(),
        });
    }
    let request = RequestRecord::new(
        &caller.user_id,
        body.experience,
        body.description,
        state.clock.now(),
    );
    state.store.submit_request(&request).await?;
    Ok((StatusCode::CREATED, Json(request.into())))
}

/// The caller's requests and their status, newest first.
#[utoipa::path(get, path = "/broker-requests/mine", tag = "brokers", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<BrokerRequest>), (status = 401)))]
pub(super) async fn mine(
    State(state): State<BrokersState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<BrokerRequest>>, ApiError> {
    let scope = format!("broker-requests:{}", caller.user_id);
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store
        .my_requests(&caller.user_id, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(BrokerRequest::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// Withdraws the caller's pending request.
#[utoipa::path(post, path = "/broker-requests/{id}/withdraw", tag = "brokers", security(("bearer" = [])),
    responses((status = 200, body = BrokerRequest), (status = 401), (status = 404), (status = 409, description = "Not pending")))]
pub(super) async fn withdraw(
    State(state): State<BrokersState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<BrokerRequest>, ApiError> {
    let request = state.request(&id).await?;
    if request.user_id != caller.user_id {
        return Err(no_such_request());
    }
    let decision = Decision {
        to: RequestStatus::Withdrawn,
        actor: &caller.user_id,
        reason: None,
        at: state.clock.now(),
    };
    let withdrawn = state
        .store
        .decide_request(&request, &decision, Vec::new())
        .await?;
    Ok(Json(withdrawn.into()))
}
