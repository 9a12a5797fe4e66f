//! Broker requests, the admin side: list the pending ones, approve (the request closes and the
//! applicant becomes a broker in one transaction spanning the bonds and identity tables) or
//! reject with a reason. The applicant is mailed the outcome, once.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use bazaar_shared::ApiError;
use bazaar_shared::auth::{AdminOnly, Authorized, Caller, Role};
use bazaar_shared::error::FieldError;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::mail::{MailJob, MailMessage};
use bazaar_shared::pagination::{Page, PageQuery};
use utoipa::OpenApi;

use crate::BondsState;
use crate::brokers_api::{BrokerRequest, Decision, decided, existing, text};
use crate::store::RequestStatus;

pub fn routes() -> Router<BondsState> {
    Router::new()
        .route("/admin/broker-requests", get(pending))
        .route("/admin/broker-requests/{id}/approve", post(approve))
        .route("/admin/broker-requests/{id}/reject", post(reject))
}

#[derive(OpenApi)]
#[openapi(paths(pending, approve, reject))]
pub struct BrokerAdminApiDoc;

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
