//! The caller's wallet and ledger, the coin packages, and opening a Stripe Checkout Session.
//! Opening one credits nothing: coins arrive only through the signed webhook.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Authorized;
use bazaar_shared::extract::{Json, Query};
use bazaar_shared::outbound::OutboundError;
use bazaar_shared::pagination::{Page, PageQuery};

use crate::gateway::CheckoutRequest;
use crate::input::CheckoutBody;
use crate::model::{CheckoutView, LedgerEntry, Wallet};
use crate::nano_wallet::WalletState;
use crate::{BuyerOnly, CoinPackage, Participant};

/// The caller's coins: balance, held for withdrawals, and running totals.
#[utoipa::path(get, path = "/nano/wallet", tag = "nano", security(("bearer" = [])),
    responses((status = 200, body = Wallet), (status = 401), (status = 403)))]
pub(crate) async fn wallet(
    State(state): State<WalletState>,
    caller: Authorized<Participant>,
) -> Result<Json<Wallet>, ApiError> {
    Ok(Json(state.store.wallet(&caller.caller().user_id).await?))
}

/// The caller's ledger, newest first; its `delta`s sum to the balance.
#[utoipa::path(get, path = "/nano/wallet/ledger", tag = "nano", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<LedgerEntry>), (status = 400), (status = 401), (status = 403)))]
pub(crate) async fn ledger(
    State(state): State<WalletState>,
    caller: Authorized<Participant>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<LedgerEntry>>, ApiError> {
    let me = &caller.caller().user_id;
    let scope = format!("nano-ledger:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state.store.ledger(me, page.limit()?, start).await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// The coin packages on sale, priced in US cents.
#[utoipa::path(get, path = "/nano/coin-packages", tag = "nano", security(("bearer" = [])),
    responses((status = 200, body = Vec<CoinPackage>), (status = 401), (status = 403)))]
pub(crate) async fn packages(
    State(state): State<WalletState>,
    _buyer: Authorized<BuyerOnly>,
) -> Json<Vec<CoinPackage>> {
    Json(state.packages.as_ref().clone())
}

/// Opens a Stripe Checkout Session for a package and answers its URL. The coins are credited
/// when Stripe's signed `checkout.session.completed` arrives, never by this call.
#[utoipa::path(post, path = "/nano/checkout", tag = "nano", security(("bearer" = [])),
    request_body = CheckoutBody,
    responses((status = 201, body = CheckoutView), (status = 401), (status = 403),
        (status = 422, description = "unknown-package"),
        (status = 502, description = "gateway-error"), (status = 503, description = "gateway-unavailable")))]
pub(crate) async fn checkout(
    State(state): State<WalletState>,
    buyer: Authorized<BuyerOnly>,
    Json(body): Json<CheckoutBody>,
) -> Result<(StatusCode, Json<CheckoutView>), ApiError> {
    let package = state
        .packages
        .iter()
        .find(|p| p.name == body.package)
        .ok_or_else(|| ApiError::Unprocessable {
            problem: "unknown-package",
            detail: "No coin package has this name; see GET /nano/coin-packages.".into(),
        })?;
    let request = CheckoutRequest {
        user_id: buyer.caller().user_id.clone(),
        package: package.name.clone(),
        coins: package.coins,
        price_cents: package.price_cents,
        success_url: format!("{}?checkout=success", state.return_url),
        cancel_url: format!("{}?checkout=cancel", state.return_url),
    };
    let session = state
        .stripe
        .create_checkout(&request)
        .await
        .map_err(ApiError::from)?;
    let url = session.url.ok_or_else(|| {
        ApiError::from(OutboundError::Unreadable {
            service: "stripe",
            reason: "the session has no url".into(),
        })
    })?;
    let view = CheckoutView {
        session_id: session.id,
        url,
        package: package.name.clone(),
        coins: package.coins,
        price_cents: package.price_cents,
    };
    Ok((StatusCode::CREATED, Json(view)))
}
