//! A student's tokens, balance, payments and submissions, in the mess they belong to. Expired
//! tokens are shown as `expired` and never counted.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::extract::{Json, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::mess_tokens::TokensState;
use crate::model::{BalanceView, PaymentView, SubmissionView, TokenStatus, TokenView};
use crate::order_api::{Student, member_of};

/// `?status=` of the token listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TokenFilter {
    /// Only tokens shown with this status (`unredeemed`: spendable ones).
    status: Option<TokenStatus>,
}

/// How many tokens the caller can spend now, and when the first of them expires.
#[utoipa::path(get, path = "/mess/balance", tag = "mess tokens", security(("bearer" = [])),
    responses((status = 200, body = BalanceView), (status = 401), (status = 403), (status = 422)))]
pub(crate) async fn balance(
    State(state): State<TokensState>,
    student: Student,
) -> Result<Json<BalanceView>, ApiError> {
    let me = &student.caller().user_id;
    let mess = member_of(&state, me).await?;
    let spendable = state
        .store
        .spendable(&mess.mess_id, me, state.clock.now())
        .await?;
    Ok(Json(BalanceView {
        mess_id: mess.mess_id,
        tokens: spendable.len(),
        next_expiry: spendable.iter().map(|t| t.expires_at.clone()).min(),
    }))
}

/// The caller's tokens, newest first; `?status=` keeps one status (a page may then be short).
#[utoipa::path(get, path = "/mess/tokens", tag = "mess tokens", security(("bearer" = [])),
    params(PageQuery, TokenFilter),
    responses((status = 200, body = Page<TokenView>), (status = 400), (status = 401),
        (status = 403), (status = 422)))]
pub(crate) async fn tokens(
    State(state): State<TokensState>,
    student: Student,
    Query(page): Query<PageQuery>,
    Query(filter): Query<TokenFilter>,
) -> Result<Json<Page<TokenView>>, ApiError> {
    let me = &student.caller().user_id;
    let mess = member_of(&state, me).await?;
    let scope = format!("mess-tokens:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (tokens, last) = state
        .store
        .tokens(&mess.mess_id, me, page.limit()?, start)
        .await?;
    let now = state.clock.now();
    Ok(Json(Page {
        items: tokens
            .iter()
            .map(|t| TokenView::new(t, now))
            .filter(|t| filter.status.is_none_or(|status| t.status == status))
            .collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// The caller's payments (their paid orders), newest first; a page may be short.
#[utoipa::path(get, path = "/mess/payments", tag = "mess tokens", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<PaymentView>), (status = 400), (status = 401),
        (status = 403), (status = 422)))]
pub(crate) async fn payments(
    State(state): State<TokensState>,
    student: Student,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<PaymentView>>, ApiError> {
    let me = &student.caller().user_id;
    let mess = member_of(&state, me).await?;
    let scope = format!("mess-payments:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (orders, last) = state
        .store
        .orders(&mess.mess_id, me, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: orders.iter().filter_map(PaymentView::of).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// The caller's submissions (redemptions), newest first.
#[utoipa::path(get, path = "/mess/submissions", tag = "mess tokens", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<SubmissionView>), (status = 400), (status = 401),
        (status = 403), (status = 422)))]
pub(crate) async fn my_submissions(
    State(state): State<TokensState>,
    student: Student,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<SubmissionView>>, ApiError> {
    let me = &student.caller().user_id;
    let mess = member_of(&state, me).await?;
    let scope = format!("mess-my-submissions:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store
        .submissions_of(&mess.mess_id, me, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: items.iter().map(SubmissionView::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}
