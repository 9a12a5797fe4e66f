//! `/bonds` and `/wins`: the caller's own bonds and wins. Every key starts with the caller's
//! user id, so another user's bond is simply not found.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Caller;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};

use super::BondsState;
use crate::input::{BondFilter, BondId, NewBondsBody, NumberChangeBody};
use crate::matching::{Found, MailPer};
use crate::model::BondRecord;
use crate::problems::no_such_bond;
use crate::store::ChangeNumberError;
use crate::views::{Added, Bond, Changed, Win};

/// Checks new bonds against stored draws at once, records and mails any win.
async fn past_wins(state: &BondsState, bonds: &[BondRecord]) -> Result<Vec<Win>, ApiError> {
    let Some(denomination) = bonds.first().map(|b| b.denomination) else {
        return Ok(Vec::new());
    };
    // One query spares a look-up per bond while no list of this denomination is stored (bulk
    // registration); a list still being processed is covered by its worker and the matcher.
    if !state.store().has_draws(denomination).await? {
        return Ok(Vec::new());
    }
    let matching = &state.matching;
    let found: Vec<Found> = matching.match_bonds(bonds, state.clock.now()).await?;
    matching.mail_winners(&found, MailPer::Win).await?;
    Ok(found.into_iter().map(|f| f.win.into()).collect())
}

/// Registers bonds of one denomination (1 to 100 numbers) and reports their past wins.
#[utoipa::path(post, path = "/bonds", tag = "bonds", security(("bearer" = [])), request_body = NewBondsBody,
    responses((status = 201, body = Added), (status = 401), (status = 422, description = "Bad denomination or number")))]
pub(super) async fn add_bonds(
    State(state): State<BondsState>,
    caller: Caller,
    Json(body): Json<NewBondsBody>,
) -> Result<(StatusCode, Json<Added>), ApiError> {
    let new = body.parse(&state.denominations)?;
    let now = state.clock.now();
    let wanted: Vec<BondRecord> = new
        .numbers
        .iter()
        .map(|n| BondRecord::new(&caller.user_id, new.denomination, n.as_str(), now))
        .collect();
    let stored = state.store().add_bonds(&wanted).await?;
    let (mut bonds, mut already) = (Vec::new(), Vec::new());
    for (bond, stored) in wanted.into_iter().zip(stored) {
        if stored {
            bonds.push(bond);
        } else {
            already.push(bond.number);
        }
    }
    let past_wins = past_wins(&state, &bonds).await?;
    Ok((
        StatusCode::CREATED,
        Json(Added {
            added: bonds.into_iter().map(Bond::from).collect(),
            already_registered: already,
            past_wins,
        }),
    ))
}

/// The caller's bonds, by denomination and number.
#[utoipa::path(get, path = "/bonds", tag = "bonds", security(("bearer" = [])), params(BondFilter),
    responses((status = 200, body = Page<Bond>), (status = 401)))]
pub(super) async fn list_bonds(
    State(state): State<BondsState>,
    caller: Caller,
    Query(filter): Query<BondFilter>,
) -> Result<Json<Page<Bond>>, ApiError> {
    let page = filter.page();
    let scope = format!(
        "bonds:{}:{}",
        caller.user_id,
        filter.denomination.map_or("*".into(), |d| d.to_string())
    );
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store()
        .list_bonds(&caller.user_id, filter.denomination, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(Bond::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// Corrects the number of one of the caller's bonds.
#[utoipa::path(patch, path = "/bonds/{id}", tag = "bonds", security(("bearer" = [])), request_body = NumberChangeBody,
    responses((status = 200, body = Changed), (status = 401), (status = 404),
        (status = 409, description = "Already registered, or busy"), (status = 422)))]
pub(super) async fn change_number(
    State(state): State<BondsState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(body): Json<NumberChangeBody>,
) -> Result<Json<Changed>, ApiError> {
    let id = BondId::parse(&id)?;
    let new_number = body.parse()?;
    let old = state
        .store()
        .bond(&caller.user_id, id.denomination, id.number.as_str())
        .await?
        .ok_or_else(no_such_bond)?;
    let new = BondRecord::new(
        &caller.user_id,
        id.denomination,
        new_number.as_str(),
        state.clock.now(),
    );
    state
        .store()
        .change_number(&old, &new)
        .await
        .map_err(|error| match error {
            ChangeNumberError::Taken => ApiError::Conflict {
                problem: "already-registered",
                detail: format!(
                    "You already registered Rs. {} bond {}.",
                    id.denomination,
                    new_number.as_str()
                ),
            },
            other => other.into(),
        })?;
    let past_wins = past_wins(&state, std::slice::from_ref(&new)).await?;
    Ok(Json(Changed {
        bond: new.into(),
        past_wins,
    }))
}

/// Removes one of the caller's bonds (its recorded wins stay).
#[utoipa::path(delete, path = "/bonds/{id}", tag = "bonds", security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 404)))]
pub(super) async fn delete_bond(
    State(state): State<BondsState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = BondId::parse(&id)?;
    state
        .store()
        .delete_bond(&caller.user_id, id.denomination, id.number.as_str())
        .await?
        .ok_or_else(no_such_bond)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's wins, the most recently uploaded draw first.
#[utoipa::path(get, path = "/wins", tag = "bonds", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<Win>), (status = 401)))]
pub(super) async fn list_wins(
    State(state): State<BondsState>,
    caller: Caller,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Win>>, ApiError> {
    let scope = format!("wins:{}", caller.user_id);
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store()
        .list_wins(&caller.user_id, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(Win::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}
