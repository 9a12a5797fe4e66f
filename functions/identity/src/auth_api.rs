//! `/auth/*`: sign-up with an e-mail code, sign-in, refresh, sign-out, password reset and change.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Caller, Role};
use bazaar_shared::error::FieldError;
use bazaar_shared::extract::Json;
use bazaar_shared::mail::{CodePurpose, MailJob, MailMessage};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::AuthState;
use crate::fields::{DisplayName, Email, Fields, parse_code};
use crate::password::NewPassword;
use crate::store::{NewAccount, Purpose, RegisterError, Status, UserRecord, now};
use crate::tokens::{ACCESS_TTL_SECS, RefreshToken, digest, otp_code, random_secret, same};

pub fn routes() -> Router<AuthState> {
    Router::new()
        .route("/auth/register", post(register))
        .route("/auth/verify", post(verify))
        .route("/auth/verify/resend", post(resend_verification))
        .route("/auth/login", post(login))
        .route("/auth/refresh", post(refresh))
        .route("/auth/logout", post(logout))
        .route("/auth/password/forgot", post(forgot_password))
        .route("/auth/password/reset", post(reset_password))
        .route("/auth/password/change", post(change_password))
}

#[derive(OpenApi)]
#[openapi(paths(
    register,
    verify,
    resend_verification,
    login,
    refresh,
    logout,
    forgot_password,
    reset_password,
    change_password
))]
pub struct AuthApiDoc;

const CODE_MINUTES: u32 = 10;

fn invalid_code() -> ApiError {
    ApiError::BadRequest(
        "The code is wrong, has expired or was tried too often; request a new one.".into(),
    )
}

fn invalid_credentials() -> ApiError {
    ApiError::Unauthorized("Invalid e-mail or password.".into())
}

fn code_hash(user_id: &str, purpose: Purpose, code: &str) -> String {
    digest(&[
        user_id,
        if purpose == Purpose::Verify {
            "verify"
        } else {
            "reset"
        },
        code,
    ])
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    email: String,
    /// 8 to 128 characters; common passwords are refused.
    password: String,
    display_name: String,
    /// One self-service role: member (default), customer, organizer, student, buyer or worker.
    role: Option<Role>,
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
async fn register(
    State(state): State<AuthState>,
    Json(request): Json<RegisterRequest>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let mut fields = Fields::new();
    let email = fields.take(Email::parse("email", &request.email));
    let password = fields.take(NewPassword::parse("password", request.password));
    let name = fields.take(DisplayName::parse("display_name", &request.display_name));
    let role = request.role.unwrap_or(Role::Member);
    if !role.is_self_service() {
        fields.push(FieldError::new(
            "role",
            format!("{} cannot be chosen; an admin grants it", role.as_str()),
        ));
    }
    fields.finish()?;
    let (Some(email), Some(password), Some(name)) = (email, password, name) else {
        unreachable!("finish() returned Ok, so every field parsed")
    };
    let user_id = uuid::Uuid::new_v4().simple().to_string();
    let code = otp_code();
    let account = NewAccount {
        user_id: user_id.clone(),
        email: email.as_str().to_owned(),
        display_name: name.into_inner(),
        roles: vec![role],
        password_hash: state.passwords.hash(&password).await?,
        status: Status::PendingVerification,
    };
    match state
        .store
        .register(&account, Some(&code_hash(&user_id, Purpose::Verify, &code)))
        .await
    {
        Ok(()) => {}
        Err(RegisterError::EmailTaken) => {
            return Err(ApiError::Conflict {
                problem: "email-taken",
                detail: "An account with this e-mail address exists.".into(),
            });
        }
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

async fn send_code(
    state: &AuthState,
    user_id: &str,
    email: &str,
    purpose: Purpose,
    code: String,
) -> Result<(), ApiError> {
    let mail_purpose = match purpose {
        Purpose::Verify => CodePurpose::VerifyEmail,
        Purpose::Reset => CodePurpose::ResetPassword,
    };
    let job = MailJob::job(
        format!("code:{user_id}:{}", uuid::Uuid::now_v7()),
        email,
        MailMessage::OneTimeCode {
            code,
            purpose: mail_purpose,
            valid_minutes: CODE_MINUTES,
        },
    );
    state.mail.send(&job).await?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    email: String,
    code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusView {
    status: Status,
}

/// Verifies the address with the mailed code; the account becomes active. A code is single
/// use, expires after 10 minutes and allows 5 tries.
#[utoipa::path(post, path = "/auth/verify", tag = "auth", request_body = VerifyRequest,
    responses((status = 200, body = StatusView), (status = 400, description = "Wrong, expired or exhausted code")))]
async fn verify(
    State(state): State<AuthState>,
    Json(request): Json<VerifyRequest>,
) -> Result<Json<StatusView>, ApiError> {
    let mut fields = Fields::new();
    let email = fields.take(Email::parse("email", &request.email));
    let code = fields.take(parse_code("code", &request.code));
    fields.finish()?;
    let (Some(email), Some(code)) = (email, code) else {
        unreachable!("fields parsed")
    };
    let user = state
        .store
        .user_by_email(email.as_str())
        .await?
        .ok_or_else(invalid_code)?;
    if user.status != Status::PendingVerification {
        return Err(invalid_code());
    }
    let hash = check_code(&state, &user, Purpose::Verify, &code).await?;
    if !state.store.activate(&user, &hash).await? {
        return Err(invalid_code());
    }
    Ok(Json(StatusView {
        status: Status::Active,
    }))
}

/// Counts the attempt, then compares; returns the hash that consumes the code.
async fn check_code(
    state: &AuthState,
    user: &UserRecord,
    purpose: Purpose,
    code: &str,
) -> Result<String, ApiError> {
    let record = state
        .store
        .attempt_otp(&user.user_id, purpose)
        .await?
        .ok_or_else(invalid_code)?;
    let hash = code_hash(&user.user_id, purpose, code);
    if same(&record.code_hash, &hash) {
        Ok(hash)
    } else {
        Err(invalid_code())
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    email: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    message: &'static str,
}

const SENT_IF_KNOWN: &str =
    "If the address belongs to an account that needs it, a code is on its way.";

/// Sends a new verification code (at most one a minute). Answers the same for any address.
#[utoipa::path(post, path = "/auth/verify/resend", tag = "auth", request_body = EmailRequest, responses((status = 202, body = Accepted)))]
async fn resend_verification(
    State(state): State<AuthState>,
    Json(request): Json<EmailRequest>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    new_code(
        &state,
        &request.email,
        Purpose::Verify,
        Status::PendingVerification,
    )
    .await
}

/// Starts a password reset: mails a code when the address has an active account. Answers the
/// same for unknown addresses.
#[utoipa::path(post, path = "/auth/password/forgot", tag = "auth", request_body = EmailRequest, responses((status = 202, body = Accepted)))]
async fn forgot_password(
    State(state): State<AuthState>,
    Json(request): Json<EmailRequest>,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    new_code(&state, &request.email, Purpose::Reset, Status::Active).await
}

async fn new_code(
    state: &AuthState,
    raw_email: &str,
    purpose: Purpose,
    needs: Status,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let email = Email::parse("email", raw_email).map_err(|e| ApiError::Validation(vec![e]))?;
    if let Some(user) = state.store.user_by_email(email.as_str()).await? {
        let code = otp_code();
        if user.status == needs
            && state
                .store
                .put_otp(
                    &user.user_id,
                    purpose,
                    &code_hash(&user.user_id, purpose, &code),
                )
                .await?
        {
            send_code(state, &user.user_id, email.as_str(), purpose, code).await?;
        }
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            message: SENT_IF_KNOWN,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    email: String,
    code: String,
    new_password: String,
}

/// Sets a new password with the mailed reset code; every session of the account ends.
#[utoipa::path(post, path = "/auth/password/reset", tag = "auth", request_body = ResetRequest,
    responses((status = 204), (status = 400, description = "Wrong, expired or exhausted code")))]
async fn reset_password(
    State(state): State<AuthState>,
    Json(request): Json<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    let mut fields = Fields::new();
    let email = fields.take(Email::parse("email", &request.email));
    let code = fields.take(parse_code("code", &request.code));
    let password = fields.take(NewPassword::parse("new_password", request.new_password));
    fields.finish()?;
    let (Some(email), Some(code), Some(password)) = (email, code, password) else {
        unreachable!("fields parsed")
    };
    let user = state
        .store
        .user_by_email(email.as_str())
        .await?
        .ok_or_else(invalid_code)?;
    let hash = check_code(&state, &user, Purpose::Reset, &code).await?;
    let password_hash = state.passwords.hash(&password).await?;
    if !state
        .store
        .reset_password(&user.user_id, &hash, &password_hash)
        .await?
    {
        return Err(invalid_code());
    }
    state.store.revoke_all_sessions(&user.user_id).await?;
    state.store.clear_login_failures(email.as_str()).await?;
    Ok(StatusCode::NO_CONTENT)
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
async fn login(
    State(state): State<AuthState>,
    Json(request): Json<LoginRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let email = Email::parse("email", &request.email).map_err(|_| invalid_credentials())?;
    if let Some(wait) = state.store.login_locked_for(email.as_str()).await? {
        return Err(ApiError::TooManyRequests {
            retry_after_secs: wait.max(1) as u64,
        });
    }
    let user = state.store.user_by_email(email.as_str()).await?;
    let matches = state
        .passwords
        .verify(
            &request.password,
            user.as_ref().map(|u| u.password_hash.as_str()),
        )
        .await?;
    let Some(user) = user.filter(|_| matches) else {
        state.store.record_login_failure(email.as_str()).await?;
        return Err(invalid_credentials());
    };
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
    state.store.clear_login_failures(email.as_str()).await?;
    let session_id = uuid::Uuid::new_v4().simple().to_string();
    let refresh = RefreshToken::new(&user.user_id, &session_id);
    state
        .store
        .create_session(&user.user_id, &session_id, &digest(&[&refresh.secret]))
        .await?;
    Ok(Json(token_pair(&state, &user, &refresh)?))
}

fn token_pair(
    state: &AuthState,
    user: &UserRecord,
    refresh: &RefreshToken,
) -> Result<TokenPair, ApiError> {
    let mut roles = user.roles.clone();
    roles.sort();
    Ok(TokenPair {
        access_token: state.issuer.access_token(
            &user.user_id,
            &roles,
            &refresh.session_id,
            now(),
        )?,
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
async fn refresh(
    State(state): State<AuthState>,
    Json(request): Json<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    let ended = || ApiError::Unauthorized("The session has ended; sign in again.".into());
    let token = RefreshToken::parse(&request.refresh_token).ok_or_else(ended)?;
    let session = state
        .store
        .session(&token.user_id, &token.session_id)
        .await?
        .ok_or_else(ended)?;
    if session.revoked || session.expires_at <= now() {
        return Err(ended());
    }
    let presented = digest(&[&token.secret]);
    if !same(&session.secret_hash, &presented) {
        tracing::warn!(user = %token.user_id, session = %token.session_id, "refresh token reuse; session revoked");
        state
            .store
            .revoke_session(&token.user_id, &token.session_id)
            .await?;
        return Err(ended());
    }
    let user = state
        .store
        .user(&token.user_id)
        .await?
        .filter(|u| u.status == Status::Active);
    let Some(user) = user else {
        state
            .store
            .revoke_session(&token.user_id, &token.session_id)
            .await?;
        return Err(ended());
    };
    let next = RefreshToken {
        secret: random_secret(),
        ..token
    };
    if !state
        .store
        .rotate_session(
            &user.user_id,
            &next.session_id,
            &presented,
            &digest(&[&next.secret]),
        )
        .await?
    {
        // The same token was used concurrently: one of the two is a replay.
        state
            .store
            .revoke_session(&user.user_id, &next.session_id)
            .await?;
        return Err(ended());
    }
    Ok(Json(token_pair(&state, &user, &next)?))
}

/// Signs out: the session ends, and its access tokens are refused from now on.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])), responses((status = 204), (status = 401)))]
async fn logout(State(state): State<AuthState>, caller: Caller) -> Result<StatusCode, ApiError> {
    state
        .store
        .revoke_session(&caller.user_id, &caller.session_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    current_password: String,
    new_password: String,
}

/// Changes the password; every session of the account ends, this one included.
#[utoipa::path(post, path = "/auth/password/change", tag = "auth", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401), (status = 422, description = "Wrong current password or weak new one")))]
async fn change_password(
    State(state): State<AuthState>,
    caller: Caller,
    Json(request): Json<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let password = NewPassword::parse("new_password", request.new_password)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let user = state
        .store
        .user(&caller.user_id)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("The account is gone.".into()))?;
    if !state
        .passwords
        .verify(&request.current_password, Some(&user.password_hash))
        .await?
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            "current_password",
            "is wrong",
        )]));
    }
    state
        .store
        .set_password(&user.user_id, &state.passwords.hash(&password).await?)
        .await?;
    state.store.revoke_all_sessions(&user.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
