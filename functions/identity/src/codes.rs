//! One-time codes as the `auth` routes use them: asked for, made, mailed, checked. A code is
//! stored only as a hash bound to its account and purpose.

use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::extract::Json;
use bazaar_shared::mail::{CodePurpose, MailJob, MailMessage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::auth::AuthState;
use crate::fields::{self, Checked, Code, Email, checked};
use crate::store::{OTP_TTL_SECS, Purpose, Status, UserRecord, WriteError};
use crate::tokens::{digest, otp_code, same};

/// How long a mailed code is valid, as the mail says it.
const CODE_MINUTES: u32 = (OTP_TTL_SECS / 60) as u32;

/// The one answer to every code that does not work, whatever the reason.
pub fn invalid_code() -> ApiError {
    ApiError::BadRequest(
        "The code is wrong, has expired or was tried too often; request a new one.".into(),
    )
}

/// What a code is stored as.
pub fn code_hash(user_id: &str, purpose: Purpose, code: &str) -> String {
    digest(&[user_id, purpose.as_str(), code])
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    #[validate(custom(function = "fields::email"))]
    email: String,
}

impl Checked for EmailRequest {
    const FIELDS: &'static [&'static str] = &["email"];
}

impl EmailRequest {
    pub fn parse(&self) -> Result<Email, ApiError> {
        self.check()?;
        checked("email", Email::parse(&self.email))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    message: &'static str,
}

/// The answer to a code request, the same whether or not a code was sent.
pub fn sent_if_known() -> (StatusCode, Json<Accepted>) {
    (
        StatusCode::ACCEPTED,
        Json(Accepted {
            message: "If the address belongs to an account that needs it, a code is on its way.",
        }),
    )
}

/// Puts the mail with `code` on the mail queue.
pub async fn send_code(
    state: &AuthState,
    user_id: &str,
    email: &str,
    purpose: Purpose,
    code: String,
) -> Result<(), ApiError> {
    let purpose = match purpose {
        Purpose::Verify => CodePurpose::VerifyEmail,
        Purpose::Reset => CodePurpose::ResetPassword,
    };
    let job = MailJob::job(
        format!("code:{user_id}:{}", uuid::Uuid::now_v7()),
        email,
        MailMessage::OneTimeCode {
            code,
            purpose,
            valid_minutes: CODE_MINUTES,
        },
    );
    state.mail.send(&job).await?;
    Ok(())
}

/// Makes and mails a new code when `email` has an account in status `needs` and its last code
/// is over a minute old; does nothing otherwise, so the answer never tells which.
pub async fn resend_code(
    state: &AuthState,
    email: &Email,
    purpose: Purpose,
    needs: Status,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let Some(user) = state.store.user_by_email(email.as_str(), now).await? else {
        return Ok(());
    };
    if user.status != needs {
        return Ok(());
    }
    let code = otp_code();
    let hash = code_hash(&user.user_id, purpose, &code);
    match state
        .store
        .put_otp(&user.user_id, purpose, &hash, now)
        .await
    {
        Ok(()) => send_code(state, &user.user_id, email.as_str(), purpose, code).await,
        Err(WriteError::Refused | WriteError::Busy) => Ok(()),
        Err(WriteError::Other(error)) => Err(error.into()),
    }
}

/// Counts the attempt, then compares; returns the hash that consumes the code.
pub async fn check_code(
    state: &AuthState,
    user: &UserRecord,
    purpose: Purpose,
    code: &Code,
) -> Result<String, ApiError> {
    let record = state
        .store
        .attempt_otp(&user.user_id, purpose, state.clock.now())
        .await?
        .ok_or_else(invalid_code)?;
    let hash = code_hash(&user.user_id, purpose, code.as_str());
    if same(&record.code_hash, &hash) {
        Ok(hash)
    } else {
        Err(invalid_code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_hash_is_bound_to_its_account_and_purpose() {
        let hash = code_hash("u1", Purpose::Verify, "123456");
        assert_eq!(hash, digest(&["u1", "verify", "123456"]));
        assert_ne!(hash, code_hash("u2", Purpose::Verify, "123456"));
        assert_ne!(hash, code_hash("u1", Purpose::Reset, "123456"));
    }
}
