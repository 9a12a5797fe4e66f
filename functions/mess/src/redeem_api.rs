//! The student's PIN and redeeming at the counter. A PIN check reserves an attempt first (at
//! most 5 per 15 minutes, then 429 with `Retry-After`) and runs argon2 only then, so guesses
//! sent in parallel get no more checks than guesses sent one by one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bazaar_shared::ApiError;
use bazaar_shared::error::{FieldError, invalid};
use bazaar_shared::extract::Json;
use bazaar_shared::replay::{self, IdempotencyKey};

use crate::input::{PinBody, RedeemBody};
use crate::mess_tokens::TokensState;
use crate::model::SubmissionView;
use crate::order_api::{Student, member_of};
use crate::store::{Attempt, RedeemError};

impl From<RedeemError> for ApiError {
    fn from(error: RedeemError) -> Self {
        match error {
            RedeemError::NotEnough { available } => ApiError::Conflict {
                problem: "not-enough-tokens",
                detail: format!("You have {available} spendable token(s)."),
            },
            RedeemError::UnknownToken => ApiError::not_found("You have no token with this id."),
            RedeemError::AlreadyRedeemed => ApiError::Conflict {
                problem: "already-redeemed",
                detail: "A token was already redeemed; nothing was redeemed.".into(),
            },
            RedeemError::Expired => ApiError::Conflict {
                problem: "token-expired",
                detail: "A token has expired; nothing was redeemed.".into(),
            },
            RedeemError::Contention => ApiError::contention(),
            RedeemError::Other(e) => ApiError::Internal(e),
        }
    }
}

fn wrong_pin() -> ApiError {
    ApiError::Unprocessable {
        problem: "wrong-pin",
        detail: "The PIN is wrong.".into(),
    }
}

/// Checks the student's PIN within the attempt limit; `seen_window` is the attempt window the
/// student record showed.
async fn check_pin(
    state: &TokensState,
    user_id: &str,
    (hash, seen_window): (Option<&str>, Option<i64>),
    pin: &str,
) -> Result<(), ApiError> {
    if hash.is_none() {
        return Err(ApiError::Unprocessable {
            problem: "no-pin",
            detail: "Set a PIN first (PUT /mess/me/pin).".into(),
        });
    }
    let window = match state
        .store
        .reserve_attempt(user_id, seen_window, state.clock.now())
        .await?
    {
        Attempt::Reserved { window } => window,
        Attempt::Locked { retry_after_secs } => {
            return Err(ApiError::TooManyRequests { retry_after_secs });
        }
    };
    if !state.pins.verify(pin, hash).await? {
        return Err(wrong_pin());
    }
    state.store.release_attempt(user_id, window).await?;
    Ok(())
}

/// Sets the caller's 6-digit PIN; changing it needs the current one.
#[utoipa::path(put, path = "/mess/me/pin", tag = "mess tokens", security(("bearer" = [])),
    request_body = PinBody,
    responses((status = 204), (status = 401), (status = 403),
        (status = 422, description = "invalid PIN or wrong-pin"), (status = 429)))]
pub(crate) async fn set_pin(
    State(state): State<TokensState>,
    student: Student,
    Json(body): Json<PinBody>,
) -> Result<StatusCode, ApiError> {
    let (pin, current) = body.parse()?;
    let me = &student.caller().user_id;
    let student = state.store.student(me).await?.unwrap_or_default();
    match (student.pin_hash.as_deref(), current) {
        (None, _) => {}
        (hash @ Some(_), Some(current)) => {
            check_pin(&state, me, (hash, student.pin_window), &current).await?
        }
        (Some(_), None) => {
            return Err(invalid(vec![FieldError::new(
                "current_pin",
                "is required to change the PIN",
            )]));
        }
    }
    let hash = state.pins.hash(&pin).await?;
    state.store.set_pin(me, &hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Redeems `count` spendable tokens (those expiring soonest) or the given `token_ids`, with
/// the caller's PIN: all of them or none, each at most once, whatever runs at the same time.
/// With an `Idempotency-Key`, a counter that retries after a lost answer gets the first
/// submission again instead of spending more tokens.
#[utoipa::path(post, path = "/mess/redemptions", tag = "mess tokens", security(("bearer" = [])),
    request_body = RedeemBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = SubmissionView), (status = 401), (status = 403),
        (status = 404, description = "a token is not the caller's"),
        (status = 409, description = "not-enough-tokens, already-redeemed, token-expired or contention"),
        (status = 422, description = "invalid fields, no-pin, wrong-pin or not-a-member"),
        (status = 429, description = "too many wrong PINs; see Retry-After")))]
pub(crate) async fn redeem(
    State(state): State<TokensState>,
    student: Student,
    key: IdempotencyKey,
    Json(body): Json<RedeemBody>,
) -> Result<Response, ApiError> {
    let (what, pin) = body.parse()?;
    let me = &student.caller().user_id;
    let mess = member_of(&state, me).await?;
    // The PIN is not part of the fingerprint (it is never stored); a replay answers only what
    // was already done.
    let fingerprint = replay::fingerprint(&["redeem", &mess.mess_id, &format!("{what:?}")]);
    let scope = format!("mess:redeem:{me}");
    replay::once(&state.replays, &scope, &key, fingerprint, || async {
        check_pin(
            &state,
            me,
            (mess.pin_hash.as_deref(), mess.pin_window),
            &pin,
        )
        .await?;
        let submission = state
            .store
            .redeem(&mess.mess_id, me, &what, state.clock.now())
            .await?;
        let view =
            serde_json::to_value(SubmissionView::from(&submission)).map_err(anyhow::Error::from)?;
        Ok((StatusCode::CREATED, view))
    })
    .await
}
