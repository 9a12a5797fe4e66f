//! Customers' routes: book seats (optionally with an `Idempotency-Key`), list, read and cancel
//! their own bookings. Another customer's booking is simply not found.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Authorized, Caller};
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::mail::{MailJob, MailMessage};
use bazaar_shared::pagination::{Page, PageQuery};
use bazaar_shared::replay::{self, IdempotencyKey};

use crate::CustomerOnly;
use crate::bookings::BookingsState;
use crate::input::BookBody;
use crate::model::{BookingRecord, BookingView, EventRecord};
use crate::store::{BookError, CancelError, NewBooking};

/// How often a booking is priced again when the organizer changes the price meanwhile.
const PRICE_ATTEMPTS: usize = 3;

type Customer = Authorized<CustomerOnly>;

impl From<BookError> for ApiError {
    fn from(error: BookError) -> Self {
        match error {
            BookError::NotFound => ApiError::not_found("No such event."),
            BookError::NotBookable(why) => ApiError::Unprocessable {
                problem: "not-bookable",
                detail: format!("This event cannot be booked: {why}."),
            },
            BookError::SoldOut { available: 0 } => ApiError::Conflict {
                problem: "sold-out",
                detail: "The event is sold out.".into(),
            },
            BookError::SoldOut { available } => ApiError::Conflict {
                problem: "sold-out",
                detail: format!("Only {available} seat(s) are left."),
            },
            BookError::AlreadyBooked => ApiError::Conflict {
                problem: "already-booked",
                detail: "You already hold a booking for this event; cancel it to book again."
                    .into(),
            },
            BookError::PriceChanged | BookError::Contention => ApiError::contention(),
            BookError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl From<CancelError> for ApiError {
    fn from(error: CancelError) -> Self {
        match error {
            CancelError::NotFound => ApiError::not_found("You have no booking with this id."),
            CancelError::AlreadyCancelled => ApiError::Conflict {
                problem: "already-cancelled",
                detail: "This booking is already cancelled.".into(),
            },
            CancelError::Started => ApiError::Unprocessable {
                problem: "event-started",
                detail: "The event has started; its bookings can no longer be cancelled.".into(),
            },
            CancelError::Contention => ApiError::contention(),
            CancelError::Other(e) => ApiError::Internal(e),
        }
    }
}

async fn with_event(state: &BookingsState, booking: &BookingRecord) -> anyhow::Result<BookingView> {
    let event = state.store.event(&booking.event_id).await?;
    Ok(BookingView::new(booking, event.as_ref()))
}

async fn confirm(state: &BookingsState, email: &str, booking: &BookingRecord, event: &EventRecord) {
    let mail = MailJob::job(
        format!("booking-confirmed:{}", booking.booking_id),
        email,
        MailMessage::Notice {
            subject: format!("Your booking for {}", event.title),
            text: format!(
                "You booked {} seat(s) for {} at {}, starting {}. Total: {} {} (minor units). \
                 Booking reference: {}.",
                booking.seats,
                event.title,
                event.venue,
                event.starts_at,
                booking.total_minor,
                booking.currency,
                booking.booking_id
            ),
        },
    );
    // The booking stands whether or not its confirmation could be queued.
    if let Err(error) = state.mail.send(&mail).await {
        tracing::error!(error = format!("{error:#}"), booking = %booking.booking_id, "confirmation not queued");
    }
}

async fn make_booking(
    state: &BookingsState,
    caller: &Caller,
    event_id: &str,
    seats: u32,
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    let user_id = caller.user_id.as_str();
    let email = state.identity.email_of_caller(caller).await?;
    for _ in 0..PRICE_ATTEMPTS {
        let Some(event) = state.store.event(event_id).await? else {
            return Err(BookError::NotFound.into());
        };
        let new = NewBooking {
            user_id,
            email: &email,
            event: &event,
            seats,
        };
        match state.store.book(&new, state.clock.now()).await {
            Ok(booking) => {
                confirm(state, &email, &booking, &event).await;
                let view = BookingView::new(&booking, Some(&event));
                let body = serde_json::to_value(view).map_err(anyhow::Error::from)?;
                return Ok((StatusCode::CREATED, body));
            }
            Err(BookError::PriceChanged) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(BookError::PriceChanged.into())
}

/// Books 1 to 10 seats at the current price, in one transaction. With an `Idempotency-Key`
/// header a retried request gets the first answer (marked `Idempotent-Replayed: true`).
#[utoipa::path(post, path = "/events/{id}/bookings", tag = "bookings", security(("bearer" = [])),
    request_body = BookBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = BookingView), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "sold-out, already-booked, contention or request-in-progress"),
        (status = 422, description = "not-bookable, invalid seats, or idempotency-key-reused")))]
pub(crate) async fn book(
    State(state): State<BookingsState>,
    customer: Customer,
    key: IdempotencyKey,
    Path(event_id): Path<String>,
    Json(body): Json<BookBody>,
) -> Result<Response, ApiError> {
    let seats = body.seats()?;
    let user_id = customer.caller().user_id.clone();
    let fingerprint = replay::fingerprint(&["book", &event_id, &seats.to_string()]);
    replay::once(
        &state.replays,
        &format!("tickets:book:{user_id}"),
        &key,
        fingerprint,
        || make_booking(&state, customer.caller(), &event_id, seats),
    )
    .await
}

/// The caller's bookings, newest first, each with its event as it is now.
#[utoipa::path(get, path = "/bookings", tag = "bookings", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<BookingView>), (status = 401), (status = 403)))]
pub(crate) async fn my_bookings(
    State(state): State<BookingsState>,
    customer: Customer,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<BookingView>>, ApiError> {
    let me = &customer.caller().user_id;
    let scope = format!("bookings:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (bookings, last) = state.store.bookings_of(me, page.limit()?, start).await?;
    let ids: Vec<String> = bookings.iter().map(|b| b.event_id.clone()).collect();
    let events = state.store.events(&ids).await?;
    Ok(Json(Page {
        items: bookings
            .iter()
            .map(|b| BookingView::new(b, events.get(&b.event_id)))
            .collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// One of the caller's bookings.
#[utoipa::path(get, path = "/bookings/{id}", tag = "bookings", security(("bearer" = [])),
    responses((status = 200, body = BookingView), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn my_booking(
    State(state): State<BookingsState>,
    customer: Customer,
    Path(id): Path<String>,
) -> Result<Json<BookingView>, ApiError> {
    let booking = state
        .store
        .booking(&customer.caller().user_id, &id)
        .await?
        .ok_or(CancelError::NotFound)?;
    Ok(Json(with_event(&state, &booking).await?))
}

/// Cancels one of the caller's bookings before the event and gives its seats back, once.
#[utoipa::path(post, path = "/bookings/{id}/cancel", tag = "bookings", security(("bearer" = [])),
    responses((status = 200, body = BookingView), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already-cancelled"), (status = 422, description = "event-started")))]
pub(crate) async fn cancel(
    State(state): State<BookingsState>,
    customer: Customer,
    Path(id): Path<String>,
) -> Result<Json<BookingView>, ApiError> {
    let booking = state
        .store
        .cancel_booking(&customer.caller().user_id, &id, state.clock.now())
        .await?;
    Ok(Json(with_event(&state, &booking).await?))
}
