//! Bookings: each booking and each cancellation is ONE `TransactWriteItems`, so seats can be
//! neither oversold nor given back twice, whatever runs at the same time.
//!
//! Booking: the event's conditional decrement (`available >= :n`, published, not started, at
//! the price the total was computed with), the active-booker marker (`attribute_not_exists`:
//! one active booking per customer and event) and the booking itself.
//! Cancelling: the booking flips `active → cancelled` (conditional), the marker goes, and the
//! seats come back, all or nothing.

use anyhow::Context;
use aws_sdk_dynamodb::types::{
    Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use bazaar_shared::dynamo::{
    Cancellation, Item, cancellations, from_item, from_items, get_item, only_conflicts, to_item,
    transact_write,
};
use time::OffsetDateTime;

use super::{TicketStore, booker_key, bookers_pk, booking_key, event_key, n, s, timestamp};
use crate::model::{BookerRecord, BookingRecord, BookingStatus, EventRecord, EventStatus};

/// A booking to make, priced from the event as read just before.
#[derive(Debug)]
pub struct NewBooking<'a> {
    pub user_id: &'a str,
    pub email: &'a str,
    pub event: &'a EventRecord,
    pub seats: u32,
}

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
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    #[error("no such booking")]
    NotFound,
    #[error("already cancelled")]
    AlreadyCancelled,
    #[error("the event has started")]
    Started,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

fn put(table: &str, item: Item) -> anyhow::Result<TransactWriteItem> {
    Ok(TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk)")
                .build()?,
        )
        .build())
}

impl TicketStore {
    pub async fn book(
        &self,
        booking: &NewBooking<'_>,
        now: OffsetDateTime,
    ) -> Result<BookingRecord, BookError> {
        let event = booking.event;
        let total = event.price_minor * u64::from(booking.seats);
        let record = BookingRecord {
            booking_id: uuid::Uuid::now_v7().simple().to_string(),
            user_id: booking.user_id.to_owned(),
            event_id: event.event_id.clone(),
            seats: booking.seats,
            unit_price_minor: event.price_minor,
            total_minor: total,
            currency: event.currency.clone(),
            status: BookingStatus::Active,
            created_at: timestamp(now),
            cancelled_at: None,
        };
        let marker = BookerRecord {
            user_id: booking.user_id.to_owned(),
            booking_id: record.booking_id.clone(),
            email: booking.email.to_owned(),
            seats: booking.seats,
        };
        let mut marker_item: Item = to_item(&marker).context("encoding a booker")?;
        marker_item.extend(booker_key(&event.event_id, booking.user_id));
        let mut booking_item: Item = to_item(&record).context("encoding a booking")?;
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
            .expression_attribute_values(":published", s(EventStatus::Published.as_str()))
            .expression_attribute_values(":now", n(now.unix_timestamp()))
            .expression_attribute_values(":n", n(booking.seats))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":total", n(total))
            .expression_attribute_values(":price", n(event.price_minor))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .context("building the seat decrement")?;
        let items = vec![
            TransactWriteItem::builder().update(decrement).build(),
            put(&self.table, marker_item)?,
            put(&self.table, booking_item)?,
        ];
        match transact_write(&self.db, items).await {
            Ok(()) => Ok(record),
            Err(error) if only_conflicts(&error) => Err(BookError::Contention),
            Err(error) => match cancellations(&error) {
                Some(reasons) => Err(self.why_not_booked(&reasons, booking, now).await?),
                None => Err(anyhow::Error::from(error).context("booking").into()),
            },
        }
    }

    async fn why_not_booked(
        &self,
        reasons: &[Cancellation],
        booking: &NewBooking<'_>,
        now: OffsetDateTime,
    ) -> anyhow::Result<BookError> {
        if reasons.get(1).is_some_and(Cancellation::condition_failed) {
            return Ok(BookError::AlreadyBooked);
        }
        let Some(first) = reasons.first().filter(|r| r.condition_failed()) else {
            anyhow::bail!("booking cancelled for other reasons: {reasons:?}");
        };
        // The event as the failed condition saw it; read it if the store did not return it.
        let event: Option<EventRecord> = match &first.item {
            Some(item) => Some(from_item(item.clone()).context("decoding an event")?),
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

    /// Cancels one of `user_id`'s bookings before its event starts and gives its seats back.
    pub async fn cancel_booking(
        &self,
        user_id: &str,
        booking_id: &str,
        now: OffsetDateTime,
    ) -> Result<BookingRecord, CancelError> {
        let Some(mut booking) = self.booking(user_id, booking_id).await? else {
            return Err(CancelError::NotFound);
        };
        if booking.status == BookingStatus::Cancelled {
            return Err(CancelError::AlreadyCancelled);
        }
        let at = timestamp(now);
        let flip = Update::builder()
            .table_name(&self.table)
            .set_key(Some(booking_key(user_id, booking_id)))
            .update_expression("SET #status = :cancelled, cancelled_at = :at")
            .condition_expression("#status = :active")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":cancelled", s("cancelled"))
            .expression_attribute_values(":active", s("active"))
            .expression_attribute_values(":at", s(&at))
            .build()
            .context("building the booking flip")?;
        let unmark = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(booker_key(&booking.event_id, user_id)))
            .condition_expression("booking_id = :booking")
            .expression_attribute_values(":booking", s(booking_id))
            .build()
            .context("building the marker delete")?;
        let give_back = Update::builder()
            .table_name(&self.table)
            .set_key(Some(event_key(&booking.event_id)))
            .update_expression(
                "SET available = available + :n, revenue_minor = revenue_minor - :total",
            )
            .condition_expression("attribute_exists(pk) AND starts_ts > :now")
            .expression_attribute_values(":n", n(booking.seats))
            .expression_attribute_values(":total", n(booking.total_minor))
            .expression_attribute_values(":now", n(now.unix_timestamp()))
            .build()
            .context("building the seat return")?;
        let items = vec![
            TransactWriteItem::builder().update(flip).build(),
            TransactWriteItem::builder().delete(unmark).build(),
            TransactWriteItem::builder().update(give_back).build(),
        ];
        match transact_write(&self.db, items).await {
            Ok(()) => {
                booking.status = BookingStatus::Cancelled;
                booking.cancelled_at = Some(at);
                Ok(booking)
            }
            Err(error) if only_conflicts(&error) => Err(CancelError::Contention),
            Err(error) => match cancellations(&error) {
                Some(r) if r.first().is_some_and(Cancellation::condition_failed) => {
                    Err(CancelError::AlreadyCancelled)
                }
                Some(r) if r.get(2).is_some_and(Cancellation::condition_failed) => {
                    Err(CancelError::Started)
                }
                _ => Err(anyhow::Error::from(error)
                    .context("cancelling a booking")
                    .into()),
            },
        }
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
            .expression_attribute_values(":pk", s(format!("USER#{user_id}")))
            .expression_attribute_values(":booking", s("BOOKING#"))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("listing bookings")?;
        let bookings = from_items(output.items.unwrap_or_default()).context("decoding bookings")?;
        Ok((bookings, output.last_evaluated_key))
    }

    /// One page of an event's active bookers, after the booker `after` (a user id).
    pub async fn bookers(
        &self,
        event_id: &str,
        after: Option<&str>,
        limit: i32,
    ) -> anyhow::Result<(Vec<BookerRecord>, Option<String>)> {
        let output = self
            .db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(bookers_pk(event_id)))
            .set_exclusive_start_key(after.map(|user| booker_key(event_id, user)))
            .limit(limit)
            .send()
            .await
            .context("listing bookers")?;
        let bookers: Vec<BookerRecord> =
            from_items(output.items.unwrap_or_default()).context("decoding bookers")?;
        let next = output
            .last_evaluated_key
            .and(bookers.last().map(|b| b.user_id.clone()));
        Ok((bookers, next))
    }
}
