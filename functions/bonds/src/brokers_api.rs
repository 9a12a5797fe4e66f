//! Broker requests: a user applies, sees and withdraws its requests; admins list the pending
//! ones and approve (granting the `broker` role in the same transaction) or reject them.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use bazaar_shared::ApiError;
use bazaar_shared::auth::{AdminOnly, Authorized, Caller, Role};
use bazaar_shared::error::FieldError;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::mail::{MailJob, MailMessage};
use bazaar_shared::pagination::{Page, PageQuery};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::BondsState;
use crate::store::{RequestItem, RequestStatus};

pub fn routes() -> Router<BondsState> {
    Router::new()
        .route("/broker-requests", post(submit))
        .route("/broker-requests/mine", get(mine))
        .route("/broker-requests/{id}/withdraw", post(withdraw))
        .route("/admin/broker-requests", get(pending))
        .route("/admin/broker-requests/{id}/approve", post(approve))
        .route("/admin/broker-requests/{id}/reject", post(reject))
}

#[derive(OpenApi)]
#[openapi(paths(submit, mine, withdraw, pending, approve, reject))]
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
    reason: Option<String>,
}

fn text(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
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

async fn existing(state: &BondsState, id: &str) -> Result<RequestItem, ApiError> {
    state
        .store()
        .request(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such broker request."))
}

fn decided() -> ApiError {
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

/// Pending requests, oldest first.
#[utoipa::path(get, path = "/admin/broker-requests", tag = "brokers", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<BrokerRequest>), (status = 401), (status = 403)))]
async fn pending(
    State(state): State<BondsState>,
    _admin: Authorized<AdminOnly>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<BrokerRequest>>, ApiError> {
    let start = state
        .cursors
        .decode("broker-requests:pending", page.cursor.as_deref())?;
    let (items, last) = state.store().pending_requests(page.limit()?, start).await?;
    Ok(Json(Page {
        items: items.into_iter().map(BrokerRequest::from).collect(),
        next_cursor: state
            .cursors
            .encode("broker-requests:pending", last.as_ref()),
    }))
}

/// Approves a request: the request closes and the applicant becomes a broker in one
/// transaction (the role shows in tokens issued from now on). The applicant is mailed.
#[utoipa::path(post, path = "/admin/broker-requests/{id}/approve", tag = "brokers", security(("bearer" = [])), request_body = Decision,
    responses((status = 200, body = BrokerRequest), (status = 401), (status = 403), (status = 404), (status = 409, description = "Not pending")))]
async fn approve(
    State(state): State<BondsState>,
    admin: Authorized<AdminOnly>,
    Path(id): Path<String>,
    Json(body): Json<Decision>,
) -> Result<Json<BrokerRequest>, ApiError> {
    decide(
        &state,
        admin.caller(),
        &id,
        RequestStatus::Approved,
        body.reason,
    )
    .await
}

/// Rejects a request with a reason the applicant is mailed.
#[utoipa::path(post, path = "/admin/broker-requests/{id}/reject", tag = "brokers", security(("bearer" = [])), request_body = Decision,
    responses((status = 200, body = BrokerRequest), (status = 401), (status = 403), (status = 404), (status = 409, description = "Not pending"), (status = 422, description = "No reason")))]
async fn reject(
    State(state): State<BondsState>,
    admin: Authorized<AdminOnly>,
    Path(id): Path<String>,
    Json(body): Json<Decision>,
) -> Result<Json<BrokerRequest>, ApiError> {
    if body.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "reason",
            "say why the request is rejected",
        )]));
    }
    decide(
        &state,
        admin.caller(),
        &id,
        RequestStatus::Rejected,
        body.reason,
    )
    .await
}

async fn decide(
    state: &BondsState,
    admin: &Caller,
    id: &str,
    to: RequestStatus,
    reason: Option<String>,
) -> Result<Json<BrokerRequest>, ApiError> {
    let mut errors = Vec::new();
    let reason = reason.map(|r| text("reason", &r, 1000, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let request = existing(state, id).await?;
    if request.status != RequestStatus::Pending {
        return Err(decided());
    }
    let users = &state.matching.users;
    let user = users
        .user(&request.user_id)
        .await?
        .ok_or_else(|| ApiError::Unprocessable {
            problem: "applicant-gone",
            detail: "The applicant's account no longer exists.".into(),
        })?;
    let grant = match to {
        RequestStatus::Approved => users.grant_role_items(&admin.user_id, &user, Role::Broker)?,
        _ => Vec::new(),
    };
    if !state
        .store()
        .decide_request(&request, to, &admin.user_id, reason.as_deref(), grant)
        .await?
    {
        return Err(decided());
    }
    let outcome = match to {
        RequestStatus::Approved => {
            "approved: you are a broker now. Sign in again to open your store"
        }
        _ => "rejected",
    };
    let mut text = format!("Your request to become a broker was {outcome}.");
    if let Some(reason) = &reason {
        text.push_str(&format!("\n\nReason: {reason}"));
    }
    let job = MailJob::job(
        format!("broker-request:{id}:decided"),
        user.email,
        MailMessage::Notice {
            subject: "Your broker request".into(),
            text,
        },
    );
    if let Some(mail) = &state.matching.mail {
        mail.send(&job).await?;
    }
    Ok(Json(existing(state, id).await?.into()))
}
