//! `/auth/password/*`: forgotten passwords (reset with a mailed code) and password changes.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Caller;
use bazaar_shared::error::{FieldError, invalid};
use bazaar_shared::extract::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::AuthState;
use crate::codes::{Accepted, EmailRequest, check_code, invalid_code, resend_code, sent_if_known};
use crate::fields::{self, Checked, Code, Email, checked};
use crate::password::NewPassword;
use crate::store::{Purpose, Status, WriteError};

/// Starts a password reset: mails a code when the address has an active account. Answers the
/// same for unknown addresses.
#[utoipa::path(post, path = "/auth/password/forgot", tag = "auth", request_body = EmailRequest, responses((status = 202, body = Accepted)))]
pub async fn forgot_password(
    State(state): State<AuthState>,
    Json(request): Json<EmailRequest>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let email = request.parse()?;
    resend_code(&state, &email, Purpose::Reset, Status::Active).await?;
    Ok(sent_if_known())
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[validate(custom(function = "fields::email"))]
    email: String,
    #[validate(custom(function = "fields::code"))]
    code: String,
    #[validate(custom(function = "fields::new_password"))]
    new_password: String,
}

impl Checked for ResetRequest {
    const FIELDS: &'static [&'static str] = &["email", "code", "new_password"];
}

/// Sets a new password with the mailed reset code; every session of the account ends.
#[utoipa::path(post, path = "/auth/password/reset", tag = "auth", request_body = ResetRequest,
    responses((status = 204), (status = 400, description = "Wrong, expired or exhausted code")))]
pub async fn reset_password(
    State(state): State<AuthState>,
    Json(request): Json<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    request.check()?;
    let email = checked("email", Email::parse(&request.email))?;
    let code = checked("code", Code::parse(&request.code))?;
    let password = checked("new_password", NewPassword::parse(request.new_password))?;
    let now = state.clock.now();
    let user = state
        .store
        .user_by_email(email.as_str(), now)
        .await?
        .ok_or_else(invalid_code)?;
    let hash = check_code(&state, &user, Purpose::Reset, &code).await?;
    let password_hash = state.passwords.hash(&password).await?;
    match state
        .store
        .reset_password(&user.user_id, &hash, &password_hash, now)
        .await
    {
        Ok(()) => {}
        Err(WriteError::Refused) => return Err(invalid_code()),
        Err(WriteError::Busy) => return Err(ApiError::contention()),
        Err(WriteError::Other(e)) => return Err(e.into()),
    }
    state.store.revoke_all_sessions(&user.user_id).await?;
    state.store.clear_login_failures(email.as_str()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    current_password: String,
    #[validate(custom(function = "fields::new_password"))]
    new_password: String,
}

impl Checked for ChangePasswordRequest {
    const FIELDS: &'static [&'static str] = &["current_password", "new_password"];
}

/// Changes the password; every session of the account ends, this one included.
#[utoipa::path(post, path = "/auth/password/change", tag = "auth", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401), (status = 403, description = "Account disabled"), (status = 422, description = "Wrong current password or weak new one")))]
pub async fn change_password(
    State(state): State<AuthState>,
    caller: Caller,
    Json(request): Json<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    request.check()?;
    let password = checked("new_password", NewPassword::parse(request.new_password))?;
    let now = state.clock.now();
    let user = state
        .store
        .user(&caller.user_id, now)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("The account is gone.".into()))?;
    let current = Some(user.password_hash.as_str());
    if !state
        .passwords
        .verify(&request.current_password, current)
        .await?
    {
        return Err(invalid(vec![FieldError::new(
            "current_password",
            "is wrong",
        )]));
    }
    let password_hash = state.passwords.hash(&password).await?;
    match state
        .store
        .set_password(&user.user_id, &password_hash, now)
        .await
    {
        Ok(()) => {}
        // Disabled since the token was issued.
        Err(WriteError::Refused) => return Err(ApiError::Forbidden),
        Err(WriteError::Busy) => return Err(ApiError::contention()),
        Err(WriteError::Other(e)) => return Err(e.into()),
    }
    state.store.revoke_all_sessions(&user.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
