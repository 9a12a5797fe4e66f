//! `/admin/*`: user administration. Admins only; every change lands in the audit trail in the
//! same transaction.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{AdminOnly, Authorized, Role};
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::profile_api::{Profile, profile};
use crate::store::{AuditRecord, Status, UserRecord, WriteError};
use crate::users::UsersState;

type Admin = Authorized<AdminOnly>;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Only accounts holding this role.
    role: Option<String>,
    limit: Option<u16>,
    cursor: Option<String>,
}

fn parse_role(text: &str) -> Result<Role, ApiError> {
    Role::parse(text).ok_or_else(|| ApiError::BadRequest(format!("Unknown role {text:?}.")))
}

/// The profiles of the live accounts among `users`.
async fn profiles(state: &UsersState, users: Vec<UserRecord>) -> Result<Vec<Profile>, ApiError> {
    let now = state.clock.now();
    let mut out = Vec::with_capacity(users.len());
    for user in users.into_iter().filter(|u| u.is_live(now)) {
        out.push(profile(state, user).await?);
    }
    Ok(out)
}

/// Accounts, newest first, optionally only those with a role.
#[utoipa::path(get, path = "/admin/users", tag = "admin", security(("bearer" = [])), params(UserFilter),
    responses((status = 200, body = Page<Profile>), (status = 401), (status = 403)))]
pub async fn list_users(
    State(state): State<UsersState>,
    _admin: Admin,
    Query(filter): Query<UserFilter>,
) -> Result<Json<Page<Profile>>, ApiError> {
    let role = filter.role.as_deref().map(parse_role).transpose()?;
    let page = PageQuery {
        limit: filter.limit,
        cursor: filter.cursor,
    };
    let scope = format!("admin-users:{}", role.map_or("*", Role::as_str));
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (users, last) = state.store.list_users(role, page.limit()?, start).await?;
    Ok(Json(Page {
        items: profiles(&state, users).await?,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

fn no_such_user() -> ApiError {
    ApiError::not_found("No such user.")
}

/// What a role or status change that did not happen means to an admin.
fn not_changed(error: WriteError, refused: ApiError) -> ApiError {
    match error {
        WriteError::Refused => refused,
        WriteError::Busy => ApiError::contention(),
        WriteError::Other(error) => error.into(),
    }
}

async fn existing(state: &UsersState, id: &str) -> Result<UserRecord, ApiError> {
    state
        .store
        .user(id, state.clock.now())
        .await?
        .ok_or_else(no_such_user)
}

/// One account.
#[utoipa::path(get, path = "/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401), (status = 403), (status = 404)))]
pub async fn get_user(
    State(state): State<UsersState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    let user = existing(&state, &id).await?;
    Ok(Json(profile(&state, user).await?))
}

/// Grants a role (any role, including admin, broker and mess_owner).
#[utoipa::path(put, path = "/admin/users/{id}/roles/{role}", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401), (status = 403), (status = 404)))]
pub async fn grant_role(
    State(state): State<UsersState>,
    admin: Admin,
    Path((id, role)): Path<(String, String)>,
) -> Result<Json<Profile>, ApiError> {
    let role = parse_role(&role)?;
    let user = existing(&state, &id).await?;
    state
        .store
        .grant_role(&admin.caller().user_id, &user, role, state.clock.now())
        .await
        .map_err(|e| not_changed(e, no_such_user()))?;
    Ok(Json(profile(&state, existing(&state, &id).await?).await?))
}

/// Revokes a role; the account's sessions end so that no token keeps the role.
#[utoipa::path(delete, path = "/admin/users/{id}/roles/{role}", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401), (status = 403), (status = 404), (status = 409, description = "Own admin role")))]
pub async fn revoke_role(
    State(state): State<UsersState>,
    admin: Admin,
    Path((id, role)): Path<(String, String)>,
) -> Result<Json<Profile>, ApiError> {
    let role = parse_role(&role)?;
    if role == Role::Admin && id == admin.caller().user_id {
        return Err(ApiError::Conflict {
            problem: "own-admin-role",
            detail: "Admins cannot revoke their own admin role.".into(),
        });
    }
    existing(&state, &id).await?;
    state
        .store
        .revoke_role(&admin.caller().user_id, &id, role, state.clock.now())
        .await
        .map_err(|e| not_changed(e, no_such_user()))?;
    state.store.revoke_all_sessions(&id).await?;
    Ok(Json(profile(&state, existing(&state, &id).await?).await?))
}

/// Disables an account and ends its sessions.
#[utoipa::path(post, path = "/admin/users/{id}/disable", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401), (status = 403), (status = 404), (status = 409, description = "Not active, or own account")))]
pub async fn disable_user(
    State(state): State<UsersState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    if id == admin.caller().user_id {
        return Err(ApiError::Conflict {
            problem: "own-account",
            detail: "Admins cannot disable their own account.".into(),
        });
    }
    let change = (Status::Active, Status::Disabled);
    change_status(&state, &admin, &id, change, "disable_user").await
}

/// Enables a disabled account.
#[utoipa::path(post, path = "/admin/users/{id}/enable", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Profile), (status = 401), (status = 403), (status = 404), (status = 409, description = "Not disabled")))]
pub async fn enable_user(
    State(state): State<UsersState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<Profile>, ApiError> {
    let change = (Status::Disabled, Status::Active);
    change_status(&state, &admin, &id, change, "enable_user").await
}

/// Moves an account `(from, to)`, audited as `action`.
async fn change_status(
    state: &UsersState,
    admin: &Admin,
    id: &str,
    (from, to): (Status, Status),
    action: &str,
) -> Result<Json<Profile>, ApiError> {
    existing(state, id).await?;
    let wrong_status = ApiError::Conflict {
        problem: "wrong-status",
        detail: format!(
            "The account is not {}.",
            if from == Status::Active {
                "active"
            } else {
                "disabled"
            }
        ),
    };
    let changed = state
        .store
        .set_status(
            &admin.caller().user_id,
            id,
            (from, to),
            action,
            state.clock.now(),
        )
        .await;
    // After the flip (no session can be made once it holds, `create_session`), and even when
    // the account was disabled already: a retry after a revocation that failed finishes it.
    if to == Status::Disabled && matches!(changed, Ok(()) | Err(WriteError::Refused)) {
        state.store.revoke_all_sessions(id).await?;
    }
    changed.map_err(|e| not_changed(e, wrong_status))?;
    Ok(Json(profile(state, existing(state, id).await?).await?))
}

/// The audit trail of admin actions, newest first.
#[utoipa::path(get, path = "/admin/audit", tag = "admin", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<AuditRecord>), (status = 401), (status = 403)))]
pub async fn audit(
    State(state): State<UsersState>,
    _admin: Admin,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<AuditRecord>>, ApiError> {
    let start = state.cursors.decode("audit", page.cursor.as_deref())?;
    let (mut items, last) = state.store.audit(page.limit()?, start).await?;
    for item in &mut items {
        item.pk.clear();
        item.sk.clear();
    }
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode("audit", last.as_ref()),
    }))
}
