//! Owners create and change their mess (one each) and see its join code; students join a mess
//! with that code and read it. Another owner's mess is simply not found.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Authorized;
use bazaar_shared::extract::{Json, Path};

use crate::input::{JoinBody, MessChangesBody, NewMessBody};
use crate::messes::MessesState;
use crate::model::MessView;
use crate::store::{JoinError, MessError};
use crate::{OwnerOnly, StudentOnly};

impl From<MessError> for ApiError {
    fn from(error: MessError) -> Self {
        match error {
            MessError::NotFound => ApiError::not_found("No such mess."),
            MessError::AlreadyOwner => ApiError::Conflict {
                problem: "already-owner",
                detail: "You already run a mess.".into(),
            },
            MessError::Contention => ApiError::contention(),
            MessError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl From<JoinError> for ApiError {
    fn from(error: JoinError) -> Self {
        match error {
            JoinError::UnknownCode => ApiError::not_found("No mess has this join code."),
            JoinError::AlreadyMember => ApiError::Conflict {
                problem: "already-member",
                detail: "You already belong to a mess.".into(),
            },
            JoinError::Contention => ApiError::contention(),
            JoinError::Other(e) => ApiError::Internal(e),
        }
    }
}

/// Creates the caller's mess, with a join code for its students.
#[utoipa::path(post, path = "/mess/messes", tag = "messes", security(("bearer" = [])),
    request_body = NewMessBody,
    responses((status = 201, body = MessView), (status = 401), (status = 403),
        (status = 409, description = "already-owner"), (status = 422)))]
pub(crate) async fn create_mess(
    State(state): State<MessesState>,
    owner: Authorized<OwnerOnly>,
    Json(body): Json<NewMessBody>,
) -> Result<(StatusCode, Json<MessView>), ApiError> {
    let new = body.parse()?;
    let mess = state
        .store
        .create_mess(&owner.caller().user_id, new, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(MessView::for_owner(&mess))))
}

/// The caller's messes (none or one).
#[utoipa::path(get, path = "/mess/messes", tag = "messes", security(("bearer" = [])),
    responses((status = 200, body = Vec<MessView>), (status = 401), (status = 403)))]
pub(crate) async fn my_messes(
    State(state): State<MessesState>,
    owner: Authorized<OwnerOnly>,
) -> Result<Json<Vec<MessView>>, ApiError> {
    let mess = state.store.mess_of_owner(&owner.caller().user_id).await?;
    Ok(Json(mess.iter().map(MessView::for_owner).collect()))
}

/// One of the caller's messes.
#[utoipa::path(get, path = "/mess/messes/{id}", tag = "messes", security(("bearer" = [])),
    responses((status = 200, body = MessView), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn mess(
    State(state): State<MessesState>,
    owner: Authorized<OwnerOnly>,
    Path(id): Path<String>,
) -> Result<Json<MessView>, ApiError> {
    let mess = state.store.owned_mess(&owner.caller().user_id, &id).await?;
    Ok(Json(MessView::for_owner(&mess)))
}

/// Changes the name, address or token price of the caller's mess (not its currency).
#[utoipa::path(patch, path = "/mess/messes/{id}", tag = "messes", security(("bearer" = [])),
    request_body = MessChangesBody,
    responses((status = 200, body = MessView), (status = 401), (status = 403), (status = 404),
        (status = 422)))]
pub(crate) async fn change_mess(
    State(state): State<MessesState>,
    owner: Authorized<OwnerOnly>,
    Path(id): Path<String>,
    Json(body): Json<MessChangesBody>,
) -> Result<Json<MessView>, ApiError> {
    let changes = body.parse()?;
    let mess = state
        .store
        .change_mess(&owner.caller().user_id, &id, &changes, state.clock.now())
        .await?;
    Ok(Json(MessView::for_owner(&mess)))
}

/// Joins the mess of a join code; a student belongs to one mess at a time.
#[utoipa::path(post, path = "/mess/join", tag = "messes", security(("bearer" = [])),
    request_body = JoinBody,
    responses((status = 200, body = MessView), (status = 401), (status = 403),
        (status = 404, description = "unknown code"), (status = 409, description = "already-member"),
        (status = 422)))]
pub(crate) async fn join(
    State(state): State<MessesState>,
    student: Authorized<StudentOnly>,
    Json(body): Json<JoinBody>,
) -> Result<Json<MessView>, ApiError> {
    let code = body.parse()?;
    let mess = state
        .store
        .join(&student.caller().user_id, &code, state.clock.now())
        .await?;
    Ok(Json(MessView::for_student(&mess)))
}

/// The mess the caller belongs to.
#[utoipa::path(get, path = "/mess/me", tag = "messes", security(("bearer" = [])),
    responses((status = 200, body = MessView), (status = 401), (status = 403),
        (status = 404, description = "not a member of any mess")))]
pub(crate) async fn my_mess(
    State(state): State<MessesState>,
    student: Authorized<StudentOnly>,
) -> Result<Json<MessView>, ApiError> {
    let not_member = || ApiError::not_found("You have not joined a mess.");
    let record = state.store.student(&student.caller().user_id).await?;
    let mess_id = record.and_then(|s| s.mess_id).ok_or_else(not_member)?;
    let mess = state.store.mess(&mess_id).await?.ok_or_else(not_member)?;
    Ok(Json(MessView::for_student(&mess)))
}
