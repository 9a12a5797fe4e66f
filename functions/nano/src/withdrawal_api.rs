//! Workers' withdrawal requests: the coins are held at once (conditional, never negative).
//! Admins decide them in `admin_api`.

use axum::extract::State;
use axum::response::Response;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Authorized;
use bazaar_shared::extract::{Json, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use bazaar_shared::replay::{self, IdempotencyKey};

use crate::WorkerOnly;
use crate::input::WithdrawalBody;
use crate::model::Withdrawal;
use crate::nano_wallet::WalletState;
use crate::problem::{conflict, created, not_found};
use crate::store::{Listing, WithdrawError};

impl From<WithdrawError> for ApiError {
    fn from(error: WithdrawError) -> Self {
        match error {
            WithdrawError::InsufficientCoins { needed } => ApiError::PaymentRequired {
                problem: "insufficient-coins",
                detail: format!("Your balance does not hold the {needed} coins asked for."),
            },
            WithdrawError::NotFound => not_found("No such withdrawal."),
            WithdrawError::AlreadyDecided => {
                conflict("already-decided", "This withdrawal was decided already.")
            }
            WithdrawError::Contention => ApiError::contention(),
            WithdrawError::Other(e) => e.into(),
        }
    }
}

/// Asks for `coins` (at least the minimum, 200 by default) to be paid to an account; they
/// are held from the balance at once. 402 `insufficient-coins` when the balance is short.
/// With an `Idempotency-Key` a retried request gets the first answer instead of a second hold.
#[utoipa::path(post, path = "/nano/withdrawals", tag = "nano", security(("bearer" = [])),
    request_body = WithdrawalBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = Withdrawal), (status = 401), (status = 402, description = "insufficient-coins"),
        (status = 403), (status = 409, description = "contention or request-in-progress"),
        (status = 422, description = "invalid fields or idempotency-key-reused")))]
pub(crate) async fn request_withdrawal(
    State(state): State<WalletState>,
    worker: Authorized<WorkerOnly>,
    key: IdempotencyKey,
    Json(body): Json<WithdrawalBody>,
) -> Result<Response, ApiError> {
    let new = body.parse(&state.withdrawals)?;
    let me = &worker.caller().user_id;
    let coins = new.coins.to_string();
    let fingerprint = replay::fingerprint(&["withdraw", &coins, &new.payment_system, &new.account]);
    let scope = format!("nano:withdraw:{me}");
    let response = replay::once(&state.replays, &scope, &key, fingerprint, || async {
        let held = state
            .store
            .request_withdrawal(me, new, state.clock.now())
            .await;
        created(held.map_err(ApiError::from))
    })
    .await?;
    Ok(response)
}

/// The caller's withdrawals, newest first.
#[utoipa::path(get, path = "/nano/withdrawals", tag = "nano", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<Withdrawal>), (status = 400), (status = 401), (status = 403)))]
pub(crate) async fn my_withdrawals(
    State(state): State<WalletState>,
    worker: Authorized<WorkerOnly>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Withdrawal>>, ApiError> {
    let me = &worker.caller().user_id;
    let scope = format!("nano-withdrawals:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store
        .list(Listing::WithdrawalsOf(me), page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}
