//! Broker requests, the admin side: list the pending ones, approve (the request closes and the
//! applicant becomes a broker in one transaction spanning the bonds and identity tables) or
//! reject with a reason. The applicant is mailed the outcome, once.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{AdminOnly, Authorized, Caller, Role};
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};

use super::BrokersState;
use crate::input::brokers::DecisionBody;
use crate::model::RequestStatus;
use crate::notices;
use crate::problems::{applicant_gone, decided};
use crate::store::Decision;
use crate::views::BrokerRequest;

/// The cursor scope of the pending listing.
const PENDING_SCOPE: &str = "broker-requests:pending";

/// Pending requests, oldest first.
#[utoipa::path(get, path = "/admin/broker-requests", tag = "brokers", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<BrokerRequest>), (status = 401), (status = 403)))]
pub(super) async fn pending(
    State(state): State<BrokersState>,
    _admin: Authorized<AdminOnly>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<BrokerRequest>>, ApiError> {
    let start = state
        .cursors
        .decode(PENDING_SCOPE, page.cursor.as_deref())?;
    let (items, last) = state.store.pending_requests(page.limit()?, start).await?;
    Ok(Json(Page {
        items: items.into_iter().map(BrokerRequest::from).collect(),
        next_cursor: state.cursors.encode(PENDING_SCOPE, last.as_ref()),
    }))
}

/// Approves a request: the request closes and the applicant becomes a broker in one
/// transaction (the role shows in tokens issued from now on). The applicant is mailed.
#[utoipa::path(post, path = "/admin/broker-requests/{id}/approve", tag = "brokers", security(("bearer" = [])), request_body = DecisionBody,
    responses((status = 200, body = BrokerRequest), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "Not pending, or busy"), (status = 422, description = "Applicant gone")))]
pub(super) async fn approve(
    State(state): State<BrokersState>,
    admin: Authorized<AdminOnly>,
    Path(id): Path<String>,
    Json(body): Json<DecisionBody>,
) -> Result<Json<BrokerRequest>, ApiError> {
    let reason = body.approval()?;
    decide(&state, admin.caller(), &id, RequestStatus::Approved, reason).await
}

/// Rejects a request with a reason the applicant is mailed.
#[utoipa::path(post, path = "/admin/broker-requests/{id}/reject", tag = "brokers", security(("bearer" = [])), request_body = DecisionBody,
    responses((status = 200, body = BrokerRequest), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "Not pending, or busy"), (status = 422, description = "No reason, or applicant gone")))]
pub(super) async fn reject(
    State(state): State<BrokersState>,
    admin: Authorized<AdminOnly>,
    Path(id): Path<String>,
    Json(body): Json<DecisionBody>,
) -> Result<Json<BrokerRequest>, ApiError> {
    let reason = body.rejection()?;
    decide(
        &state,
        admin.caller(),
        &id,
        RequestStatus::Rejected,
        Some(reason),
    )
    .await
}

/// Closes a pending request (granting the role on approval) and mails the applicant.
async fn decide(
    state: &BrokersState,
    admin: &Caller,
    id: &str,
    to: RequestStatus,
    reason: Option<String>,
) -> Result<Json<BrokerRequest>, ApiError> {
    let request = state.request(id).await?;
    if request.status != RequestStatus::Pending {
        return Err(decided());
    }
    let applicant = state
        .identity
        .member(&request.user_id)
        .await?
        .ok_or_else(applicant_gone)?;
    let now = state.clock.now();
    let grant = match to {
        RequestStatus::Approved => {
            state
                .identity
                .grant_role_items(&admin.user_id, &applicant, Role::Broker, now)?
        }
        _ => Vec::new(),
    };
    let decision = Decision {
        to,
        actor: &admin.user_id,
        reason: reason.as_deref(),
        at: now,
    };
    let decided = state
        .store
        .decide_request(&request, &decision, grant)
        .await?;
    let mail = notices::decision(id, &applicant.email, to, reason.as_deref());
    state.mail.send(&mail).await?;
    Ok(Json(decided.into()))
}
