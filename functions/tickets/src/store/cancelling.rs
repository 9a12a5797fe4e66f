//! Cancelling a booking: ONE transaction flips the booking `active → cancelled`
//! (conditional), removes the active-booker marker and gives the seats back, all or nothing,
//! so seats are never given back twice.

use anyhow::Context;
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};
use bazaar_shared::dynamo::{TransactError, number, string, timestamp, transact};
use time::OffsetDateTime;

use super::{TicketStore, booker_key, booking_key, event_key};
use crate::model::{BookingRecord, BookingStatus};

/// Why a booking was not cancelled.
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

/// The actions of a cancelling transaction, in this order (cancellation reasons follow it).
const FLIP: usize = 0;
const GIVE_BACK: usize = 2;

impl TicketStore {
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
        let items = self.cancelling_items(&booking, &at, now)?;
        match transact(&self.db, items, "cancelling a booking").await {
            Ok(()) => {
                booking.status = BookingStatus::Cancelled;
                booking.cancelled_at = Some(at);
                Ok(booking)
            }
            Err(error) if error.is_contended() => Err(CancelError::Contention),
            Err(error) if error.failed_at(FLIP) => Err(CancelError::AlreadyCancelled),
            Err(error) if error.failed_at(GIVE_BACK) => Err(CancelError::Started),
            Err(TransactError::Failed(error)) => Err(error.into()),
            Err(error) => Err(anyhow::Error::from(error)
                .context("cancelling a booking")
                .into()),
        }
    }

    /// The flip to cancelled, the marker's removal and the seats' return.
    fn cancelling_items(
        &self,
        booking: &BookingRecord,
        at: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let flip = Update::builder()
            .table_name(&self.table)
            .set_key(Some(booking_key(&booking.user_id, &booking.booking_id)))
            .update_expression("SET #status = :cancelled, cancelled_at = :at")
            .condition_expression("#status = :active")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":cancelled", string("cancelled"))
            .expression_attribute_values(":active", string("active"))
            .expression_attribute_values(":at", string(at))
            .build()
            .context("building the booking flip")?;
        let unmark = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(booker_key(&booking.event_id, &booking.user_id)))
            .condition_expression("booking_id = :booking")
            .expression_attribute_values(":booking", string(&booking.booking_id))
            .build()
            .context("building the marker delete")?;
        let give_back = Update::builder()
            .table_name(&self.table)
            .set_key(Some(event_key(&booking.event_id)))
            .update_expression(
                "SET available = available + :n, revenue_minor = revenue_minor - :total",
            )
            .condition_expression("attribute_exists(pk) AND starts_ts > :now")
            .expression_attribute_values(":n", number(booking.seats))
            .expression_attribute_values(":total", number(booking.total_minor))
            .expression_attribute_values(":now", number(now.unix_timestamp()))
            .build()
            .context("building the seat return")?;
        Ok(vec![
            TransactWriteItem::builder().update(flip).build(),
            TransactWriteItem::builder().delete(unmark).build(),
            TransactWriteItem::builder().update(give_back).build(),
        ])
    }
}
