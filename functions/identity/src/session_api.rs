//! `/auth/login`, `/auth/refresh`, `/auth/logout`: sessions and the tokens that name them.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Caller;
use bazaar_shared::extract::Json;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::auth::AuthState;
use crate::fields::Email;
use crate::store::{LoginGate, Status, UserRecord, WriteError};
use crate::tokens::{ACCESS_TTL_SECS, RefreshToken, digest, same};

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized("Invalid e-mail or password.".into())
}

fn session_ended() -> ApiError {
    ApiError::Unauthorized("The session has ended; sign in again.".into())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    email: String,
    password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    access_token: String,
    /// Opaque; rotates on every refresh. Reusing an old one ends the session.
    refresh_token: String,
    token_type: &'static str,
    /// Seconds the access token is valid.
    expires_in: i64,
}

/// Signs in. Wrong credentials get one generic answer; repeated failures lock the address
/// for a while (429 with Retry-After).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, description = "Invalid e-mail or password"),
        (status = 403, description = "Account disabled"), (status = 422, description = "E-mail not verified yet"), (status = 429, description = "Too many failures")))]
pub async fn login(
    State(state): State<AuthState>,
    Json(request): Json<LoginRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    // A malformed address is just wrong credentials: the answer never says which part was.
    let email = Email::parse(&request.email).map_err(|_| invalid_credentials())?;
    let now = state.clock.now();
    if let LoginGate::Locked(wait) = state
        .store
        .reserve_login_attempt(email.as_str(), now)
        .await?
    {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: wait.max(1) as u64,
        });
    }
    let user = state.store.user_by_email(email.as_str(), now).await?;
    let hash = user.as_ref().map(|u| u.password_hash.as_str());
    let matches = state.passwords.verify(&request.password, hash).await?;
    // A failure was counted when the attempt was reserved.
    let Some(user) = user.filter(|_| matches) else {
        return Err(invalid_credentials());
    };
    // The right password: the attempts counted so far (and a lock set in advance) are forgotten.
    state.store.clear_login_failures(email.as_str()).await?;
    match user.status {
        Status::Active => {}
        Status::PendingVerification => {
            return Err(ApiError::Unprocessable {
                problem: "email-not-verified",
                detail: "Verify your e-mail address first.".into(),
            });
        }
        Status::Disabled => return Err(ApiError::Forbidden),
    }
    let session_id = uuid::Uuid::new_v4().simple().to_string();
    let refresh = RefreshToken::new(&user.user_id, &session_id);
    let secret_hash = digest(&[&refresh.secret]);
    let created = state
        .store
        .create_session(&user.user_id, &session_id, &secret_hash, now)
        .await;
    match created {
        Ok(()) => Ok(Json(token_pair(&state, &user, &refresh, now)?)),
        // Disabled since it was read: as if it had been disabled before.
        Err(WriteError::Refused) => Err(ApiError::Forbidden),
        Err(WriteError::Busy) => Err(ApiError::contention()),
        Err(WriteError::Other(error)) => Err(error.into()),
    }
}

fn token_pair(
    state: &AuthState,
    user: &UserRecord,
    refresh: &RefreshToken,
    now: OffsetDateTime,
) -> Result<TokenPair, ApiError> {
    let mut roles = user.roles.clone();
    roles.sort();
    let access_token =
        state
            .issuer
            .access_token(&user.user_id, &user.email, &roles, &refresh.session_id, now)?;
    Ok(TokenPair {
        access_token,
        refresh_token: refresh.encode(),
        token_type: "Bearer",
        expires_in: ACCESS_TTL_SECS,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    refresh_token: String,
}

/// Trades a refresh token for a new pair. Each refresh token works once: presenting an old
/// one again revokes the whole session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, description = "Invalid, reused or revoked")))]
pub async fn refresh(
    State(state): State<AuthState>,
    Json(request): Json<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let token = RefreshToken::parse(&request.refresh_token).ok_or_else(session_ended)?;
    let (user_id, session_id) = (token.user_id.as_str(), token.session_id.as_str());
    let now = state.clock.now();
    let session = state
        .store
        .session(user_id, session_id)
        .await?
        .filter(|session| session.is_live(now))
        .ok_or_else(session_ended)?;
    let presented = digest(&[&token.secret]);
    if !same(&session.secret_hash, &presented) {
        tracing::warn!(user = %user_id, session = %session_id, "refresh token reuse; session revoked");
        return end_session(&state, user_id, session_id).await;
    }
    let user = state.store.user(user_id, now).await?;
    let Some(user) = user.filter(|u| u.status == Status::Active) else {
        return end_session(&state, user_id, session_id).await;
    };
    let next = RefreshToken::new(user_id, session_id);
    let next_hash = digest(&[&next.secret]);
    match state
        .store
        .rotate_session(user_id, session_id, (&presented, &next_hash), now)
        .await
    {
        Ok(()) => Ok(Json(token_pair(&state, &user, &next, now)?)),
        // The same token was used concurrently: one of the two is a replay.
        Err(WriteError::Refused) => end_session(&state, user_id, session_id).await,
        Err(WriteError::Busy) => Err(ApiError::contention()),
        Err(WriteError::Other(e)) => Err(e.into()),
    }
}

/// Revokes the session and answers that it has ended.
async fn end_session<T>(state: &AuthState, user_id: &str, session_id: &str) -> Result<T, ApiError> {
    state.store.revoke_session(user_id, session_id).await?;
    Err(session_ended())
}

/// Signs out: the session ends, and its access tokens are refused from now on.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])), responses((status = 204), (status = 401)))]
pub async fn logout(
    State(state): State<AuthState>,
    caller: Caller,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .revoke_session(&caller.user_id, &caller.session_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
