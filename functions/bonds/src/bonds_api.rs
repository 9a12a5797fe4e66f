//! `/bonds` and `/wins`: the caller's own bonds and wins. Every key starts with the caller's
//! user id, so another user's bond is simply not found.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use bazaar_shared::ApiError;
use bazaar_shared::auth::Caller;
use bazaar_shared::error::FieldError;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::BondsState;
use crate::matching::{Found, MailPer};
use crate::model::parse_number;
use crate::store::{BondItem, ChangeError};
use crate::views::{Bond, Win};

/// Most numbers one request may add.
pub const MAX_NUMBERS_PER_REQUEST: usize = 100;

pub fn routes() -> Router<BondsState> {
    Router::new()
        .route("/bonds", get(list_bonds).post(add_bonds))
        .route("/bonds/{id}", patch(change_number).delete(delete_bond))
        .route("/wins", get(list_wins))
}

#[derive(OpenApi)]
#[openapi(paths(add_bonds, list_bonds, change_number, delete_bond, list_wins))]
pub struct BondsApiDoc;

/// One denomination and up to 100 numbers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBonds {
    denomination: u32,
    numbers: Vec<String>,
}

/// What adding did, including wins in draws already stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Added {
    pub added: Vec<Bond>,
    /// Numbers the caller had registered before (left as they were).
    pub already_registered: Vec<String>,
    pub past_wins: Vec<Win>,
}

/// Checks new bonds against stored draws at once, records and mails any win.
async fn past_wins(state: &BondsState, bonds: &[BondItem]) -> Result<Vec<Win>, ApiError> {
    let Some(denomination) = bonds.first().map(|b| b.denomination) else {
        return Ok(Vec::new());
    };
    // One query spares a lookup per bond while no list of this denomination is stored (bulk
    // registration); a list still being processed is covered by its worker and the matcher.
    if !state.store().has_draws(denomination).await? {
        return Ok(Vec::new());
    }
    let found: Vec<Found> = state.matching.match_bonds(bonds).await?;
    state.matching.mail_winners(&found, MailPer::Win).await?;
    Ok(found.into_iter().map(|f| f.win.into()).collect())
}

/// Registers bonds of one denomination (1 to 100 numbers) and reports their past wins.
#[utoipa::path(post, path = "/bonds", tag = "bonds", security(("bearer" = [])), request_body = NewBonds,
    responses((status = 201, body = Added), (status = 401), (status = 422, description = "Bad denomination or number")))]
async fn add_bonds(
    State(state): State<BondsState>,
    caller: Caller,
    Json(body): Json<NewBonds>,
) -> Result<(StatusCode, Json<Added>), ApiError> {
    let mut errors = Vec::new();
    if let Err(e) = state.denominations.parse("denomination", body.denomination) {
        errors.push(e);
    }
    if body.numbers.is_empty() || body.numbers.len() > MAX_NUMBERS_PER_REQUEST {
        errors.push(FieldError::new(
            "numbers",
            format!("give 1 to {MAX_NUMBERS_PER_REQUEST} numbers"),
        ));
    }
    let mut numbers = Vec::new();
    for (i, n) in body.numbers.iter().enumerate() {
        match parse_number(&format!("numbers.{i}"), n) {
            Ok(n) if !numbers.contains(&n) => numbers.push(n),
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let held = state
        .store()
        .held(&caller.user_id, body.denomination, &numbers)
        .await?;
    let (already, fresh): (Vec<String>, Vec<String>) =
        numbers.into_iter().partition(|n| held.contains(n));
    let bonds: Vec<BondItem> = fresh
        .iter()
        .map(|n| BondItem::new(&caller.user_id, body.denomination, n))
        .collect();
    state.store().put_bonds(&bonds).await?;
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BondFilter {
    /// Only bonds of this denomination.
    denomination: Option<u32>,
    limit: Option<u16>,
    cursor: Option<String>,
}

/// The caller's bonds, by denomination and number.
#[utoipa::path(get, path = "/bonds", tag = "bonds", security(("bearer" = [])), params(BondFilter),
    responses((status = 200, body = Page<Bond>), (status = 401)))]
async fn list_bonds(
    State(state): State<BondsState>,
    caller: Caller,
    Query(filter): Query<BondFilter>,
) -> Result<Json<Page<Bond>>, ApiError> {
    let page = PageQuery {
        limit: filter.limit,
        cursor: filter.cursor,
    };
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

/// `<denomination>-<number>`, or 404: an id that cannot exist names no bond.
fn bond_id(id: &str) -> Result<(u32, String), ApiError> {
    let not_found = || ApiError::not_found("No such bond.");
    let (d, n) = id.split_once('-').ok_or_else(not_found)?;
    let d = d.parse().map_err(|_| not_found())?;
    let n = parse_number("id", n).map_err(|_| not_found())?;
    Ok((d, n))
}

/// The new number of a bond.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberChange {
    number: String,
}

/// A bond after a change, with its past wins.
#[derive(Debug, Serialize, ToSchema)]
pub struct Changed {
    pub bond: Bond,
    pub past_wins: Vec<Win>,
}

/// Corrects the number of one of the caller's bonds.
#[utoipa::path(patch, path = "/bonds/{id}", tag = "bonds", security(("bearer" = [])), request_body = NumberChange,
    responses((status = 200, body = Changed), (status = 401), (status = 404), (status = 409, description = "Already registered"), (status = 422)))]
async fn change_number(
    State(state): State<BondsState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(body): Json<NumberChange>,
) -> Result<Json<Changed>, ApiError> {
    let (denomination, number) = bond_id(&id)?;
    let new_number =
        parse_number("number", &body.number).map_err(|e| ApiError::Validation(vec![e]))?;
    let old = state
        .store()
        .bond(&caller.user_id, denomination, &number)
        .await?
        .ok_or_else(|| ApiError::not_found("No such bond."))?;
    let new = BondItem::new(&caller.user_id, denomination, &new_number);
    match state.store().change_number(&old, &new).await? {
        Ok(()) => {}
        Err(ChangeError::Gone) => return Err(ApiError::not_found("No such bond.")),
        Err(ChangeError::Taken) => {
            return Err(ApiError::Conflict {
                problem: "already-registered",
                detail: format!("You already registered Rs. {denomination} bond {new_number}."),
            });
        }
    }
    let past_wins = past_wins(&state, std::slice::from_ref(&new)).await?;
    Ok(Json(Changed {
        bond: new.into(),
        past_wins,
    }))
}

/// Removes one of the caller's bonds (its recorded wins stay).
#[utoipa::path(delete, path = "/bonds/{id}", tag = "bonds", security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 404)))]
async fn delete_bond(
    State(state): State<BondsState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let (denomination, number) = bond_id(&id)?;
    if state
        .store()
        .delete_bond(&caller.user_id, denomination, &number)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("No such bond."))
    }
}

/// The caller's wins, the most recently uploaded draw first.
#[utoipa::path(get, path = "/wins", tag = "bonds", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<Win>), (status = 401)))]
async fn list_wins(
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
