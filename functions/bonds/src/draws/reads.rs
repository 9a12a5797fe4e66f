//! Anyone's side of `/draws`: the processed draws, one draw, a number look-up.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::error::invalid;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::Page;

use super::DrawsState;
use crate::input::{BondNumber, DrawFilter};
use crate::model::DrawStatus;
use crate::problems::no_such_draw;
use crate::views::{Draw, Lookup};

/// Processed draws, newest first, by denomination, year and month.
#[utoipa::path(get, path = "/draws", tag = "draws", params(DrawFilter),
    responses((status = 200, body = Page<Draw>), (status = 422)))]
pub(super) async fn list_draws(
    State(state): State<DrawsState>,
    Query(filter): Query<DrawFilter>,
) -> Result<Json<Page<Draw>>, ApiError> {
    let period = filter.period()?;
    let page = filter.page();
    let scope = format!("draws:{:?}:{:?}", filter.denomination, period);
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store
        .list_draws(filter.denomination, period.as_deref(), page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(Draw::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// One draw, in any status.
#[utoipa::path(get, path = "/draws/{id}", tag = "draws",
    responses((status = 200, body = Draw), (status = 404)))]
pub(super) async fn get_draw(
    State(state): State<DrawsState>,
    Path(id): Path<String>,
) -> Result<Json<Draw>, ApiError> {
    Ok(Json(state.existing(&id).await?.into()))
}

/// Looks up whether a 6-digit number won in a processed draw.
#[utoipa::path(get, path = "/draws/{id}/numbers/{number}", tag = "draws",
    responses((status = 200, body = Lookup), (status = 404), (status = 409, description = "Not processed"), (status = 422)))]
pub(super) async fn lookup_number(
    State(state): State<DrawsState>,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<Lookup>, ApiError> {
    let number = BondNumber::parse("number", &number).map_err(|e| invalid(vec![e]))?;
    let (draw, entry) = state.store.draw_with_number(&id, number.as_str()).await?;
    let draw = draw.ok_or_else(no_such_draw)?;
    if draw.status != DrawStatus::Done {
        return Err(ApiError::Conflict {
            problem: "draw-not-done",
            detail: "The draw has no stored numbers (still processing, or failed).".into(),
        });
    }
    Ok(Json(Lookup {
        draw_id: id,
        number: number.as_str().to_owned(),
        won: entry.is_some(),
        tier: entry.as_ref().map(|e| e.tier),
        amount: entry.map(|e| e.amount),
    }))
}
