//! `/auth/register`, `/auth/verify`, `/auth/verify/resend`: sign-up with an e-mail code.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Role;
use bazaar_shared::extract::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::AuthState;
use crate::codes::{
    Accepted, EmailRequest, check_code, code_hash, invalid_code, resend_code, send_code,
    sent_if_known,
};
use crate::fields::{self, Checked, Code, DisplayName, Email, checked};
use crate::password::NewPassword;
use crate::store::{NewAccount, Purpose, RegisterError, Status, WriteError};
use crate::tokens::otp_code;

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[validate(custom(function = "fields::email"))]
    email: String,
    /// 8 to 128 characters; common passwords are refused.
    #[validate(custom(function = "fields::new_password"))]
    password: String,
    #[validate(custom(function = "fields::display_name"))]
    display_name: String,
    /// One self-service role: member (default), customer, organizer, student, buyer or worker.
    #[validate(custom(function = "fields::self_service"))]
    role: Option<Role>,
}

impl Checked for RegisterRequest {
    const FIELDS: &'static [&'static str] = &["email", "password", "display_name", "role"];
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    user_id: String,
    email: String,
    status: Status,
}

/// Creates an account and mails a 6-digit code to verify the address.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = Registered), (status = 409, description = "E-mail taken"), (status = 422, description = "Invalid fields")))]
pub async fn register(
    State(state): State<AuthState>,
    Json(request): Json<RegisterRequest>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    request.check()?;
    let email = checked("email", Email::parse(&request.email))?;
    let password = checked("password", NewPassword::parse(request.password))?;
    let name = checked("display_name", DisplayName::parse(&request.display_name))?;
    let user_id = uuid::Uuid::new_v4().simple().to_string();
    let code = otp_code();
    let account = NewAccount {
        user_id: user_id.clone(),
        email: email.as_str().to_owned(),
        display_name: name.into_inner(),
        roles: vec![request.role.unwrap_or(Role::Member)],
        password_hash: state.passwords.hash(&password).await?,
        status: Status::PendingVerification,
    };
    let hash = code_hash(&user_id, Purpose::Verify, &code);
    match state
        .store
        .register(&account, Some(&hash), state.clock.now())
        .await
    {
        Ok(()) => {}
        Err(RegisterError::EmailTaken) => {
            return Err(ApiError::Conflict {
                problem: "email-taken",
                detail: "An account with this e-mail address exists.".into(),
            });
        }
        Err(RegisterError::Busy) => return Err(ApiError::contention()),
        Err(RegisterError::Other(e)) => return Err(e.into()),
    }
    send_code(&state, &user_id, email.as_str(), Purpose::Verify, code).await?;
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            user_id,
            email: account.email,
            status: Status::PendingVerification,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    #[validate(custom(function = "fields::email"))]
    email: String,
    #[validate(custom(function = "fields::code"))]
    code: String,
}

impl Checked for VerifyRequest {
    const FIELDS: &'static [&'static str] = &["email", "code"];
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusView {
    status: Status,
}

/// Verifies the address with the mailed code; the account becomes active. A code is single
/// use, expires after 10 minutes and allows 5 tries.
#[utoipa::path(post, path = "/auth/verify", tag = "auth", request_body = VerifyRequest,
    responses((status = 200, body = StatusView), (status = 400, description = "Wrong, expired or exhausted code")))]
pub async fn verify(
    State(state): State<AuthState>,
    Json(request): Json<VerifyRequest>,
) -> Result<Json<StatusView>, ApiError> {
    request.check()?;
    let email = checked("email", Email::parse(&request.email))?;
    let code = checked("code", Code::parse(&request.code))?;
    let now = state.clock.now();
    let user = state
        .store
        .user_by_email(email.as_str(), now)
        .await?
        .filter(|user| user.status == Status::PendingVerification)
        .ok_or_else(invalid_code)?;
    let hash = check_code(&state, &user, Purpose::Verify, &code).await?;
    match state.store.activate(&user, &hash, now).await {
        Ok(()) => Ok(Json(StatusView {
            status: Status::Active,
        })),
        Err(WriteError::Refused) => Err(invalid_code()),
        Err(WriteError::Busy) => Err(ApiError::contention()),
        Err(WriteError::Other(e)) => Err(e.into()),
    }
}

/// Sends a new verification code (at most one a minute). Answers the same for any address.
#[utoipa::path(post, path = "/auth/verify/resend", tag = "auth", request_body = EmailRequest, responses((status = 202, body = Accepted)))]
pub async fn resend_verification(
    State(state): State<AuthState>,
    Json(request): Json<EmailRequest>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let email = request.parse()?;
    resend_code(&state, &email, Purpose::Verify, Status::PendingVerification).await?;
    Ok(sent_if_known())
}
