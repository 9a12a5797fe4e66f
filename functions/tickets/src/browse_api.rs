//! The public listing: published, upcoming events, soonest first, from the browse index (never
//! a scan), optionally within a date range and matching a text.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::dynamo::Item;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::events::EventsState;
use crate::model::{EventStatus, EventView, StartTime};
use crate::store::Index;

/// Index pages read at most per request when a text filter leaves pages short.
const MAX_ROUNDS: usize = 5;
const MAX_QUERY_CHARS: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrowseQuery {
    /// Starting at or after this time (RFC 3339); never before now.
    from: Option<String>,
    /// Starting at or before this time (RFC 3339).
    to: Option<String>,
    /// Words to find in the title, venue or description (case-insensitive).
    q: Option<String>,
    limit: Option<u16>,
    cursor: Option<String>,
}

fn time_param(name: &str, text: Option<&str>) -> Result<Option<StartTime>, ApiError> {
    text.map(|t| {
        StartTime::parse(t)
            .ok_or_else(|| ApiError::bad_request(format!("{name} must be an RFC 3339 date-time.")))
    })
    .transpose()
}

fn matches(event: &EventView, words: &[String]) -> bool {
    let haystack = format!("{} {} {}", event.title, event.venue, event.description).to_lowercase();
    words.iter().all(|w| haystack.contains(w.as_str()))
}

/// Published events that have not started, soonest first. A text filter is applied to each
/// index page, so a page may hold fewer than `limit` events while `next_cursor` goes on.
#[utoipa::path(get, path = "/events", tag = "events", params(BrowseQuery),
    responses((status = 200, body = Page<EventView>), (status = 400)))]
pub(crate) async fn browse(
    State(state): State<EventsState>,
    Query(query): Query<BrowseQuery>,
) -> Result<Json<Page<EventView>>, ApiError> {
    let now = StartTime::of(state.clock.now());
    let from = time_param("from", query.from.as_deref())?
        .filter(|from| *from > now)
        .unwrap_or(now);
    let to = time_param("to", query.to.as_deref())?;
    let q = query.q.unwrap_or_default();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request("q must be at most 100 characters."));
    }
    let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    let limit = page.limit()?;
    // The caller's own bounds, not "now": a cursor stays valid while time moves on.
    let scope = format!(
        "browse:{}:{}:{}",
        query.from.as_deref().unwrap_or_default(),
        query.to.as_deref().unwrap_or_default(),
        words.join(" ")
    );
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = matching(&state, Index::Browse { from, to }, &words, limit, start).await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// Up to `limit` published events of `index` matching `words`, reading at most
/// [`MAX_ROUNDS`] index pages, and the key to go on from.
async fn matching(
    state: &EventsState,
    index: Index<'_>,
    words: &[String],
    limit: i32,
    mut start: Option<Item>,
) -> anyhow::Result<(Vec<EventView>, Option<Item>)> {
    let mut items = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let wanted = limit - items.len() as i32;
        let (ids, last) = state.store.index_page(index, wanted, start).await?;
        let mut events = state.store.events(&ids).await?;
        items.extend(
            ids.iter()
                .filter_map(|id| events.remove(id))
                .filter(|e| e.status == EventStatus::Published)
                .map(|e| EventView::from(&e))
                .filter(|e| matches(e, words)),
        );
        start = last;
        if start.is_none() || items.len() as i32 >= limit {
            break;
        }
    }
    Ok((items, start))
}

/// One published (or cancelled) event with its seats available. Drafts are not public.
#[utoipa::path(get, path = "/events/{id}", tag = "events",
    responses((status = 200, body = EventView), (status = 404)))]
pub(crate) async fn event_detail(
    State(state): State<EventsState>,
    Path(id): Path<String>,
) -> Result<Json<EventView>, ApiError> {
    match state.store.event(&id).await? {
        Some(e) if e.status != EventStatus::Draft => Ok(Json((&e).into())),
        _ => Err(ApiError::not_found("No such event.")),
    }
}
