//! Organizers' routes: create, change (allow-listed fields), publish, unpublish, cancel and
//! delete their own events, and list them with sales figures.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Authorized;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};

use crate::OrganizerOnly;
use crate::events::EventsState;
use crate::input::{EventChangesBody, NewEventBody};
use crate::model::{EventRecord, OrganizerEventView};
use crate::notices::{NotifyBookers, cancel_notice, change_notice};
use crate::store::{ChangeError, Index};

type Organizer = Authorized<OrganizerOnly>;

impl From<ChangeError> for ApiError {
    fn from(error: ChangeError) -> Self {
        match error {
            ChangeError::NotFound => ApiError::not_found("You have no event with this id."),
            ChangeError::Cancelled => ApiError::Conflict {
                problem: "event-cancelled",
                detail: "The event is cancelled; it can no longer be changed.".into(),
            },
            ChangeError::Started => ApiError::Unprocessable {
                problem: "event-started",
                detail: "The event has started; it can no longer be changed.".into(),
            },
            ChangeError::BelowSold { sold } => ApiError::Conflict {
                problem: "capacity-below-sold",
                detail: format!("{sold} seats are sold: capacity cannot go below that."),
            },
            ChangeError::HasBookings => ApiError::Conflict {
                problem: "event-has-bookings",
                detail: "The event was booked; cancel it instead of deleting it.".into(),
            },
            ChangeError::Other(e) => ApiError::Internal(e),
        }
    }
}

/// Queues a fan-out to the event's bookers. The change itself is already stored, so a failure
/// to queue is logged rather than answered as if the change had failed.
async fn tell_bookers(state: &EventsState, event: &EventRecord, notice: NotifyBookers) {
    if event.bookings_made == 0 {
        return;
    }
    if let Err(error) = state.jobs.send(&notice.job()).await {
        tracing::error!(error = format!("{error:#}"), event = %event.event_id, "bookers not told");
    }
}

/// Creates an event (a draft unless `published` is true).
#[utoipa::path(post, path = "/events", tag = "events", security(("bearer" = [])),
    request_body = NewEventBody,
    responses((status = 201, body = OrganizerEventView), (status = 401), (status = 403), (status = 422)))]
pub(crate) async fn create_event(
    State(state): State<EventsState>,
    organizer: Organizer,
    Json(body): Json<NewEventBody>,
) -> Result<(StatusCode, Json<OrganizerEventView>), ApiError> {
    let now = state.clock.now();
    let new = body.parse(now)?;
    let event = state
        .store
        .create_event(&organizer.caller().user_id, &new, now)
        .await?;
    Ok((StatusCode::CREATED, Json((&event).into())))
}

/// Changes allow-listed fields of an own event; bookers are told of a new time or place.
#[utoipa::path(patch, path = "/events/{id}", tag = "events", security(("bearer" = [])),
    request_body = EventChangesBody,
    responses((status = 200, body = OrganizerEventView), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "Cancelled, or capacity below seats sold"), (status = 422)))]
pub(crate) async fn change_event(
    State(state): State<EventsState>,
    organizer: Organizer,
    Path(id): Path<String>,
    Json(body): Json<EventChangesBody>,
) -> Result<Json<OrganizerEventView>, ApiError> {
    let now = state.clock.now();
    let changes = body.parse(now)?;
    let change = state
        .store
        .change(&id, &organizer.caller().user_id, &changes, now)
        .await?;
    if let Some(notice) = change_notice(&change.before, &change.after) {
        tell_bookers(&state, &change.after, notice).await;
    }
    Ok(Json((&change.after).into()))
}

/// Deletes an own event that was never booked.
#[utoipa::path(delete, path = "/events/{id}", tag = "events", security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409, description = "Was booked")))]
pub(crate) async fn delete_event(
    State(state): State<EventsState>,
    organizer: Organizer,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .delete_event(&id, &organizer.caller().user_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_published(
    state: EventsState,
    organizer: Organizer,
    id: String,
    published: bool,
) -> Result<Json<OrganizerEventView>, ApiError> {
    let event = state
        .store
        .set_published(
            &id,
            &organizer.caller().user_id,
            published,
            state.clock.now(),
        )
        .await?;
    Ok(Json((&event).into()))
}

/// Lists the event publicly and opens it for booking.
#[utoipa::path(post, path = "/events/{id}/publish", tag = "events", security(("bearer" = [])),
    responses((status = 200, body = OrganizerEventView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn publish_event(
    State(state): State<EventsState>,
    organizer: Organizer,
    Path(id): Path<String>,
) -> Result<Json<OrganizerEventView>, ApiError> {
    set_published(state, organizer, id, true).await
}

/// Hides the event and stops new bookings; existing bookings stay.
#[utoipa::path(post, path = "/events/{id}/unpublish", tag = "events", security(("bearer" = [])),
    responses((status = 200, body = OrganizerEventView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn unpublish_event(
    State(state): State<EventsState>,
    organizer: Organizer,
    Path(id): Path<String>,
) -> Result<Json<OrganizerEventView>, ApiError> {
    set_published(state, organizer, id, false).await
}

/// Cancels an own event for good; every active booker is mailed.
#[utoipa::path(post, path = "/events/{id}/cancel", tag = "events", security(("bearer" = [])),
    responses((status = 200, body = OrganizerEventView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(crate) async fn cancel_event(
    State(state): State<EventsState>,
    organizer: Organizer,
    Path(id): Path<String>,
) -> Result<Json<OrganizerEventView>, ApiError> {
    let event = state
        .store
        .cancel_event(&id, &organizer.caller().user_id, state.clock.now())
        .await?;
    tell_bookers(&state, &event, cancel_notice(&event)).await;
    Ok(Json((&event).into()))
}

/// The caller's events, newest first, with seats sold and revenue.
#[utoipa::path(get, path = "/organizer/events", tag = "events", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<OrganizerEventView>), (status = 401), (status = 403)))]
pub(crate) async fn my_events(
    State(state): State<EventsState>,
    organizer: Organizer,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<OrganizerEventView>>, ApiError> {
    let me = &organizer.caller().user_id;
    let scope = format!("organizer-events:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (ids, last) = state
        .store
        .index_page(Index::Organizer(me), page.limit()?, start)
        .await?;
    let mut events = state.store.events(&ids).await?;
    Ok(Json(Page {
        items: ids
            .iter()
            .filter_map(|id| events.remove(id))
            .map(|e| (&e).into())
            .collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}
