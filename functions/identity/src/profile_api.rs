//! `/me`: the caller's own profile and profile picture.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Caller, Role};
use bazaar_shared::extract::{Json, RawBody};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::fields::{self, Checked, DisplayName, checked};
use crate::store::{Status, UserRecord};
use crate::users::UsersState;

/// An account as its owner (or an admin) sees it: no password hash, no internal keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct Profile {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub status: Status,
    /// A link to the profile picture, valid for 5 minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    pub created_at: String,
}

/// The profile of `user`, with a fresh link to its picture.
pub async fn profile(state: &UsersState, user: UserRecord) -> Result<Profile, ApiError> {
    let avatar_url = match &user.avatar_key {
        Some(key) => Some(state.pictures.link(key).await?),
        None => None,
    };
    let mut roles = user.roles;
    roles.sort();
    Ok(Profile {
        id: user.user_id,
        email: user.email,
        display_name: user.display_name,
        roles,
        status: user.status,
        avatar_url,
        created_at: user.created_at,
    })
}

async fn own_record(state: &UsersState, caller: &Caller) -> Result<UserRecord, ApiError> {
    state
        .store
        .user(&caller.user_id, state.clock.now())
        .await?
        .ok_or_else(|| ApiError::Unauthorized("The account is gone.".into()))
}

/// The caller's profile.
#[utoipa::path(get, path = "/me", tag = "profile", security(("bearer" = [])), responses((status = 200, body = Profile), (status = 401)))]
pub async fn me(
    State(state): State<UsersState>,
    caller: Caller,
) -> Result<Json<Profile>, ApiError> {
    let user = own_record(&state, &caller).await?;
    Ok(Json(profile(&state, user).await?))
}

/// The fields an owner may change. Anything else (`role`, `email`, `status`…) is refused.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[validate(custom(function = "fields::display_name"))]
    display_name: Option<String>,
}

impl Checked for ProfileUpdate {
    const FIELDS: &'static [&'static str] = &["display_name"];
}

/// Updates the caller's profile.
#[utoipa::path(patch, path = "/me", tag = "profile", security(("bearer" = [])), request_body = ProfileUpdate,
    responses((status = 200, body = Profile), (status = 422, description = "Unknown or invalid fields")))]
pub async fn update_me(
    State(state): State<UsersState>,
    caller: Caller,
    Json(update): Json<ProfileUpdate>,
) -> Result<Json<Profile>, ApiError> {
    update.check()?;
    let user = match update.display_name {
        Some(name) => {
            let name = checked("display_name", DisplayName::parse(&name))?;
            state
                .store
                .update_display_name(&caller.user_id, &name.into_inner(), state.clock.now())
                .await?
        }
        None => own_record(&state, &caller).await?,
    };
    Ok(Json(profile(&state, user).await?))
}

/// Replaces the caller's profile picture with the request body (JPEG, PNG or WebP, ≤ 2 MB).
#[utoipa::path(put, path = "/me/avatar", tag = "profile", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, body = Profile), (status = 413, description = "Over 2 MB"), (status = 415, description = "Not JPEG, PNG or WebP")))]
pub async fn upload_avatar(
    State(state): State<UsersState>,
    caller: Caller,
    RawBody(bytes): RawBody,
) -> Result<Json<Profile>, ApiError> {
    let prefix = format!("avatars/{}", caller.user_id);
    let key = state.pictures.put(&prefix, bytes).await?;
    let previous = state
        .store
        .set_avatar(&caller.user_id, &key, state.clock.now())
        .await?;
    if let Some(previous) = previous.filter(|p| *p != key) {
        state.pictures.discard(&previous).await;
    }
    let user = own_record(&state, &caller).await?;
    Ok(Json(profile(&state, user).await?))
}
