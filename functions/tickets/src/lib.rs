//! Event tickets: organizers publish events, anyone browses them, customers book seats.
//!
//! Two route groups (`events`: organizers and the public; `bookings`: customers), a queue
//! consumer (`ticket-jobs`: tells every active booker of an event about a change, a
//! cancellation or the coming start, a page at a time) and a scheduled function
//! (`ticket-reminders`: about 24 hours before each event). The seat rules are in
//! [`store`]: one transaction per booking or cancellation.

mod booking_api;
mod browse_api;
pub mod input;
pub mod model;
pub mod notices;
mod organizer_api;
pub mod reminders;
pub mod store;

use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use bazaar_shared::auth::{Role, RoleGuard, TokenVerifier};
use bazaar_shared::idempotency::IdempotencyStore;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{AwsClients, ConfigError, Env};

pub use booking_api::BookingApiDoc;
pub use browse_api::BrowseApiDoc;
pub use notices::Notifier;
pub use organizer_api::OrganizerApiDoc;

use crate::store::TicketStore;

/// Organizers (and only they) manage events.
pub struct OrganizerOnly;
impl RoleGuard for OrganizerOnly {
    const ROLES: &'static [Role] = &[Role::Organizer];
}

/// Customers (and only they) book seats.
pub struct CustomerOnly;
impl RoleGuard for CustomerOnly {
    const ROLES: &'static [Role] = &[Role::Customer];
}

/// What both route groups need.
pub struct TicketsInner {
    pub store: TicketStore,
    pub verifier: Arc<TokenVerifier>,
    pub cursors: CursorCodec,
    /// Fan-out jobs (change, cancellation) for the `ticket-jobs` consumer.
    pub jobs: JobQueue,
    /// Booking confirmations go straight to the mailer.
    pub mail: JobQueue,
    /// First answers of requests sent with an `Idempotency-Key`.
    pub replays: IdempotencyStore,
    /// Where the customer's address is read when a booking is made.
    pub accounts: bazaar_identity::store::Store,
}

#[derive(Clone)]
pub struct TicketsState(Arc<TicketsInner>);

impl Deref for TicketsState {
    type Target = TicketsInner;
    fn deref(&self) -> &TicketsInner {
        &self.0
    }
}

impl FromRef<TicketsState> for Arc<TokenVerifier> {
    fn from_ref(state: &TicketsState) -> Self {
        state.verifier.clone()
    }
}

impl TicketsState {
    /// `TICKETS_TABLE`, `IDENTITY_TABLE`, `IDEMPOTENCY_TABLE`, `JWT_PUBLIC_KEY`,
    /// `PAGINATION_KEY`, `TICKET_JOBS_QUEUE_URL`, `MAIL_QUEUE_URL`.
    pub fn from_env(env: &Env, aws: &AwsClients) -> Result<Self, ConfigError> {
        let db = aws.dynamodb.clone();
        Ok(Self(Arc::new(TicketsInner {
            store: TicketStore::new(db.clone(), env.required("TICKETS_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, db.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            jobs: JobQueue::new(aws.sqs.clone(), env.required("TICKET_JOBS_QUEUE_URL")?),
            mail: JobQueue::new(aws.sqs.clone(), env.required("MAIL_QUEUE_URL")?),
            replays: IdempotencyStore::new(db.clone(), env.required("IDEMPOTENCY_TABLE")?),
            accounts: bazaar_identity::store::Store::new(db, env.required("IDENTITY_TABLE")?),
        })))
    }

    pub fn table(&self) -> &str {
        self.store.table()
    }
}

/// The `events` route group: organizers' events and the public listing.
pub fn events_router(state: TicketsState) -> Router {
    bazaar_shared::http::api_router(
        organizer_api::routes()
            .merge(browse_api::routes())
            .with_state(state),
    )
}

/// The `bookings` route group: customers' bookings.
pub fn bookings_router(state: TicketsState) -> Router {
    bazaar_shared::http::api_router(booking_api::routes().with_state(state))
}

/// Now, for rules that depend on it (start times, reminders).
pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
