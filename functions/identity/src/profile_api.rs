//! `/me`: the caller's own profile and profile picture.

use std::time::Duration;

use anyhow::Context;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
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

/// Pictures up to 2 MB; JPEG, PNG or WebP, judged by their bytes.
pub const AVATAR_MAX_BYTES: usize = 2 * 1024 * 1024;
/// How long a picture link stays valid.
const AVATAR_LINK: Duration = Duration::from_secs(300);

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
        Some(key) => Some(
            state
                .s3
                .get_object()
                .bucket(&state.bucket)
                .key(key)
                .presigned(PresigningConfig::expires_in(AVATAR_LINK).context("presigning config")?)
                .await
                .context("presigning a picture link")?
                .uri()
                .to_owned(),
        ),
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

/// The image kind of `bytes`, by its signature.
fn image_kind(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else {
        None
    }
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
    let (content_type, extension) = image_kind(&bytes)
        .ok_or_else(|| ApiError::UnsupportedMediaType("Send a JPEG, PNG or WebP image.".into()))?;
    let key = format!(
        "avatars/{}/{}.{extension}",
        caller.user_id,
        uuid::Uuid::now_v7()
    );
    state
        .s3
        .put_object()
        .bucket(&state.bucket)
        .key(&key)
        .content_type(content_type)
        .body(ByteStream::from(bytes))
        .send()
        .await
        .context("storing a profile picture")?;
    let previous = state
        .store
        .set_avatar(&caller.user_id, &key, state.clock.now())
        .await?;
    if let Some(previous) = previous.filter(|p| *p != key)
        && let Err(error) = state
            .s3
            .delete_object()
            .bucket(&state.bucket)
            .key(&previous)
            .send()
            .await
    {
        tracing::warn!(%error, key = %previous, "old profile picture not deleted");
    }
    let user = own_record(&state, &caller).await?;
    Ok(Json(profile(&state, user).await?))
}

#[cfg(test)]
mod tests {
    use super::image_kind;

    #[test]
    fn pictures_are_judged_by_their_bytes() {
        assert_eq!(
            image_kind(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap().0,
            "image/jpeg"
        );
        assert_eq!(image_kind(b"\x89PNG\r\n\x1a\n....").unwrap().0, "image/png");
        assert_eq!(
            image_kind(b"RIFF\x10\x00\x00\x00WEBPVP8 ").unwrap().0,
            "image/webp"
        );
        assert_eq!(image_kind(b"GIF89a......"), None);
        assert_eq!(
            image_kind(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            None
        );
        assert_eq!(image_kind(b""), None);
    }
}
