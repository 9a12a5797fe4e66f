//! Admins: pending withdrawals, paying them out or returning their coins (once), and removing
//! a task (its unfilled slots are refunded like a buyer's close).

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{AdminOnly, Authorized};
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};

use crate::input::Id;
use crate::model::{Task, Withdrawal};
use crate::nano_admin::AdminState;
use crate::store::{Listing, WithdrawalDecision};

/// Withdrawals waiting for a decision, oldest first.
#[utoipa::path(get, path = "/nano/admin/withdrawals", tag = "nano-admin", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<Withdrawal>), (status = 400), (status = 401), (status = 403)))]
pub(crate) async fn pending_withdrawals(
    State(state): State<AdminState>,
    _admin: Authorized<AdminOnly>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Withdrawal>>, ApiError> {
    let scope = "nano-pending-withdrawals";
    let start = state.cursors.decode(scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store
        .list(Listing::PendingWithdrawals, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(scope, last.as_ref()),
    }))
}

/// Marks a pending withdrawal paid: its held coins leave the system as paid out, once.
#[utoipa::path(post, path = "/nano/admin/withdrawals/{id}/approve", tag = "nano-admin",
    security(("bearer" = [])),
    responses((status = 200, body = Withdrawal), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already-decided or contention")))]
pub(crate) async fn pay_withdrawal(
    State(state): State<AdminState>,
    admin: Authorized<AdminOnly>,
    Path(id): Path<Id>,
) -> Result<Json<Withdrawal>, ApiError> {
    decide(&state, &admin, &id, WithdrawalDecision::Pay).await
}

/// Rejects a pending withdrawal: its held coins return to the balance, once.
#[utoipa::path(post, path = "/nano/admin/withdrawals/{id}/reject", tag = "nano-admin",
    security(("bearer" = [])),
    responses((status = 200, body = Withdrawal), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already-decided or contention")))]
pub(crate) async fn reject_withdrawal(
    State(state): State<AdminState>,
    admin: Authorized<AdminOnly>,
    Path(id): Path<Id>,
) -> Result<Json<Withdrawal>, ApiError> {
    decide(&state, &admin, &id, WithdrawalDecision::Reject).await
}

async fn decide(
    state: &AdminState,
    admin: &Authorized<AdminOnly>,
    id: &str,
    decision: WithdrawalDecision,
) -> Result<Json<Withdrawal>, ApiError> {
    let me = &admin.caller().user_id;
    let now = state.clock.now();
    // An admin who also works decides nobody's withdrawal of their own.
    if let Some(own) = state.store.withdrawal(id).await?
        && own.user_id == *me
    {
        return Err(ApiError::Forbidden);
    }
    let withdrawal = state.store.decide_withdrawal(id, decision, me, now).await?;
    state.notifier.withdrawal_decided(&withdrawal).await;
    Ok(Json(withdrawal))
}

/// Removes (closes) any task, refunding its unfilled slots to its buyer once.
#[utoipa::path(delete, path = "/nano/admin/tasks/{id}", tag = "nano-admin", security(("bearer" = [])),
    responses((status = 200, body = Task), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already-closed or contention")))]
pub(crate) async fn remove_task(
    State(state): State<AdminState>,
    _admin: Authorized<AdminOnly>,
    Path(id): Path<Id>,
) -> Result<Json<Task>, ApiError> {
    Ok(Json(
        state.store.close_task(&id, None, state.clock.now()).await?,
    ))
}
