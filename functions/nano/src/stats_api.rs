//! Figures: the caller's own (per marketplace role), the best-earning workers, and (in
//! `nano-admin`) the whole marketplace's.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{AdminOnly, Authorized, Role};
use bazaar_shared::extract::Json;
use bazaar_shared::identity::Status;

use crate::Participant;
use crate::model::{AdminStats, MyStats, TopWorker};
use crate::nano_admin::AdminState;
use crate::nano_tasks::TasksState;

/// How many workers the leaderboard shows.
const TOP_WORKERS: i32 = 10;

/// The caller's balance, and their figures as a buyer and as a worker (for the roles they hold).
#[utoipa::path(get, path = "/nano/stats", tag = "nano", security(("bearer" = [])),
    responses((status = 200, body = MyStats), (status = 401), (status = 403)))]
pub(crate) async fn my_stats(
    State(state): State<TasksState>,
    caller: Authorized<Participant>,
) -> Result<Json<MyStats>, ApiError> {
    let caller = caller.caller();
    let wallet = state.store.wallet(&caller.user_id).await?;
    let buyer = match caller.has(Role::Buyer) {
        true => Some(state.store.buyer_stats(&wallet).await?),
        false => None,
    };
    let worker = match caller.has(Role::Worker) {
        true => Some(state.store.worker_stats(&wallet).await?),
        false => None,
    };
    Ok(Json(MyStats {
        balance: wallet.balance,
        buyer,
        worker,
    }))
}

/// The ten best-earning workers, best first (display names only, never addresses).
#[utoipa::path(get, path = "/nano/top-workers", tag = "nano", security(("bearer" = [])),
    responses((status = 200, body = Vec<TopWorker>), (status = 401), (status = 403)))]
pub(crate) async fn top_workers(
    State(state): State<TasksState>,
    _caller: Authorized<Participant>,
) -> Result<Json<Vec<TopWorker>>, ApiError> {
    let mut top = Vec::new();
    for wallet in state.store.top_earners(TOP_WORKERS).await? {
        // Closed or unknown accounts are left off the board.
        let member = state.identity.member(&wallet.user_id).await?;
        if let Some(member) = member.filter(|m| m.status == Status::Active) {
            top.push(TopWorker {
                user_id: wallet.user_id,
                display_name: member.display_name,
                earned: wallet.earned,
            });
        }
    }
    Ok(Json(top))
}

/// The whole marketplace: users by role, where every coin is, and pending withdrawals.
#[utoipa::path(get, path = "/nano/admin/stats", tag = "nano-admin", security(("bearer" = [])),
    responses((status = 200, body = AdminStats), (status = 401), (status = 403)))]
pub(crate) async fn admin_stats(
    State(state): State<AdminState>,
    _admin: Authorized<AdminOnly>,
) -> Result<Json<AdminStats>, ApiError> {
    let mut stats = state.store.coin_totals().await?;
    stats.buyers = state.identity.holders_of(Role::Buyer).await?.len() as u64;
    stats.workers = state.identity.holders_of(Role::Worker).await?.len() as u64;
    stats.admins = state.identity.holders_of(Role::Admin).await?.len() as u64;
    Ok(Json(stats))
}
