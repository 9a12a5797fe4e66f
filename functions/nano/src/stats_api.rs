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
    let wallets = state.store.top_earners(TOP_WORKERS).await?;
    // The names are read at once, not one after another.
    let members = futures_util::future::try_join_all(
        wallets.iter().map(|w| state.identity.member(&w.user_id)),
    )
    .await?;
    let top = wallets
        .into_iter()
        .zip(members)
        // Closed or unknown accounts are left off the board.
        .filter_map(|(wallet, member)| {
            let member = member.filter(|m| m.status == Status::Active)?;
            Some(TopWorker {
                user_id: wallet.user_id,
                display_name: member.display_name,
                earned: wallet.earned,
            })
        })
        .collect();
    Ok(Json(top))
}

/// The whole marketplace: users by role, where every coin is, and pending withdrawals.
#[utoipa::path(get, path = "/nano/admin/stats", tag = "nano-admin", security(("bearer" = [])),
    responses((status = 200, body = AdminStats), (status = 401), (status = 403)))]
pub(crate) async fn admin_stats(
    State(state): State<AdminState>,
    _admin: Authorized<AdminOnly>,
) -> Result<Json<AdminStats>, ApiError> {
    let identity = &state.identity;
    let (mut stats, buyers, workers, admins) = tokio::try_join!(
        state.store.coin_totals(),
        identity.holders_of(Role::Buyer),
        identity.holders_of(Role::Worker),
        identity.holders_of(Role::Admin),
    )?;
    (stats.buyers, stats.workers, stats.admins) = (
        buyers.len() as u64,
        workers.len() as u64,
        admins.len() as u64,
    );
    Ok(Json(stats))
}
