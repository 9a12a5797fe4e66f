//! Bookings: each booking is ONE transaction, so seats cannot be oversold, whatever runs at
//! the same time: the event's conditional decrement (`available >= :n`, published, not
//! started, at the price the total was computed with), the active-booker marker
//! (`attribute_not_exists`: one active booking per customer and event) and the booking itself.
//! Cancelling is in `cancelling`.

use anyhow::Context;
use aws_sdk_dynamodb::types::{ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use bazaar_shared::dynamo::{
    Item, TransactError, from_item, from_items, get_item, number, put_new, string, timestamp,
    to_item, transact,
};
use time::OffsetDateTime;

use super::{TicketStore, booker_key, booking_key, customer_pk, event_key};
use crate::model::{BookerRecord, BookingRecord, BookingStatus, EventRecord, EventStatus};

/// A booking to make, priced from the event as read just before.
#[derive(Debug)]
pub struct NewBooking<'a> {
    pub user_id: &'a str,
    pub email: &'a str,
    pub event: &'a EventRecord,
    pub seats: u32,
}

/// Why a booking was not made.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("no such event")]
    NotFound,
    #[error("the event is not bookable: {0}")]
    NotBookable(&'static str),
    #[error("sold out ({available} left)")]
    SoldOut { available: u32 },
    #[error("already booked")]
    AlreadyBooked,
    /// The organizer changed the price between our read and our write: price it again.
    #[error("the price changed")]
    PriceChanged,
    /// Still losing races after the retries: nothing is known, try again.
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The actions of a booking transaction, in this order (cancellation reasons follow it).
const DECREMENT: usize = 0;
const MARKER: usize = 1;

impl TicketStore {
    /// Books the seats, or says why not.
    pub async fn book(
        &self,
        booking: &NewBooking<'_>,
        now: OffsetDateTime,
    ) -> Result<BookingRecord, BookError> {
        let event = booking.event;
        let record = BookingRecord {
            booking_id: uuid::Uuid::now_v7().simple().to_string(),
            user_id: booking.user_id.to_owned(),
            event_id: event.event_id.clone(),
            seats: booking.seats,
            unit_price_minor: event.price_minor,
            total_minor: event.price_minor * u64::from(booking.seats),
            currency: event.currency.clone(),
            status: BookingStatus::Active,
            created_at: timestamp(now),
            cancelled_at: None,
        };
        let items = self.booking_items(booking, &record, now)?;
        match transact(&self.db, items, "booking").await {
            Ok(()) => Ok(record),
            Err(error) if error.is_contended() => Err(BookError::Contention),
            Err(error) if error.failed_at(MARKER) => Err(BookError::AlreadyBooked),
            Err(error) if error.failed_at(DECREMENT) => {
                Err(self.why_not_booked(&error, booking, now).await?)
            }
            Err(TransactError::Failed(error)) => Err(error.into()),
            Err(error) => Err(anyhow::Error::from(error)
                .context("booking cancelled for another reason")
                .into()),
        }
    }

    /// The seat decrement, the active-booker marker and the booking.
    fn booking_items(
        &self,
        booking: &NewBooking<'_>,
        record: &BookingRecord,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let event = booking.event;
        let marker = BookerRecord {
            user_id: booking.user_id.to_owned(),
            booking_id: record.booking_id.clone(),
            email: booking.email.to_owned(),
            seats: booking.seats,
        };
        let mut marker_item: Item = to_item(&marker).context("encoding a booker")?;
        marker_item.extend(booker_key(&event.event_id, booking.user_id));
        let mut booking_item: Item = to_item(record).context("encoding a booking")?;
        booking_item.extend(booking_key(booking.user_id, &record.booking_id));
        let decrement = Update::builder()
            .table_name(&self.table)
            .set_key(Some(event_key(&event.event_id)))
            .update_expression(
                "SET available = available - :n, bookings_made = bookings_made + :one, \
                 revenue_minor = revenue_minor + :total",
            )
            .condition_expression(
                "#status = :published AND starts_ts > :now AND available >= :n \
                 AND price_minor = :price",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":published", string(EventStatus::Published.as_str()))
            .expression_attribute_values(":now", number(now.unix_timestamp()))
            .expression_attribute_values(":n", number(booking.seats))
            .expression_attribute_values(":one", number(1))
            .expression_attribute_values(":total", number(record.total_minor))
            .expression_attribute_values(":price", number(event.price_minor))
            // The event as the failed condition saw it tells sold out from not bookable.
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .context("building the seat decrement")?;
        Ok(vec![
            TransactWriteItem::builder().update(decrement).build(),
            put_new(&self.table, marker_item)?,
            put_new(&self.table, booking_item)?,
        ])
    }

    /// Explains a failed seat decrement from the event as the condition saw it.
    async fn why_not_booked(
        &self,
        error: &TransactError,
        booking: &NewBooking<'_>,
        now: OffsetDateTime,
    ) -> anyhow::Result<BookError> {
        let seen = error.reason(DECREMENT).and_then(|r| r.item.clone());
        // No old item back: the event is gone, or the store did not return it; read it.
        let event: Option<EventRecord> = match seen {
            Some(item) => Some(from_item(item).context("decoding an event")?),
            None => self.event(&booking.event.event_id).await?,
        };
        Ok(match event {
            None => BookError::NotFound,
            Some(e) if e.status == EventStatus::Cancelled => {
                BookError::NotBookable("the event is cancelled")
            }
            Some(e) if e.status != EventStatus::Published => {
                BookError::NotBookable("the event is not open for booking")
            }
            Some(e) if e.starts_ts <= now.unix_timestamp() => {
                BookError::NotBookable("the event has started")
            }
            Some(e) if e.price_minor != booking.event.price_minor => BookError::PriceChanged,
            Some(e) => BookError::SoldOut {
                available: e.available,
            },
        })
    }

    /// One of `user_id`'s bookings.
    pub async fn booking(
        &self,
        user_id: &str,
        booking_id: &str,
    ) -> anyhow::Result<Option<BookingRecord>> {
        get_item(
            &self.db,
            &self.table,
            booking_key(user_id, booking_id),
            "reading a booking",
        )
        .await
    }

    /// One page of a customer's bookings, newest first.
    pub async fn bookings_of(
        &self,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<BookingRecord>, Option<Item>)> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :booking)")
            .expression_attribute_values(":pk", string(customer_pk(user_id)))
            .expression_attribute_values(":booking", string("BOOKING#"))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("listing bookings")?;
        let bookings = from_items(output.items.unwrap_or_default()).context("decoding bookings")?;
        Ok((bookings, output.last_evaluated_key))
    }
}
