//! The `bookings` binary: customers book seats, list, read and cancel their own bookings.
//! Routes are declared once, in `routes()`.

use std::sync::Arc;

use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::idempotency::IdempotencyStore;
use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::booking_api;
use crate::store::TicketStore;

/// What the `bookings` routes use.
#[derive(Clone)]
pub struct BookingsState {
    pub(crate) store: TicketStore,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) cursors: CursorCodec,
    /// Booking confirmations go straight to the mailer.
    pub(crate) mail: JobQueue,
    /// First answers of requests sent with an `Idempotency-Key`.
    pub(crate) replays: IdempotencyStore,
    /// Where the customer's address is read when a booking is made.
    pub(crate) identity: IdentityClient,
    pub(crate) clock: Clock,
}

impl FromRef<BookingsState> for Arc<TokenVerifier> {
    fn from_ref(state: &BookingsState) -> Self {
        state.verifier.clone()
    }
}

impl BookingsState {
    /// `TICKETS_TABLE`, `IDENTITY_TABLE` (token checks, contacts), `JWT_PUBLIC_KEY`,
    /// `PAGINATION_KEY`, `MAIL_QUEUE_URL`, `IDEMPOTENCY_TABLE`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        let db = aws.dynamodb.clone();
        Ok(Self {
            store: TicketStore::new(db.clone(), env.required("TICKETS_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, db.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            replays: IdempotencyStore::new(db.clone(), env.required("IDEMPOTENCY_TABLE")?),
            identity: IdentityClient::new(db, env.required("IDENTITY_TABLE")?),
            clock: init.clock.clone(),
        })
    }
}

/// The `bookings` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = BookingsState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `bookings` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<BookingsState> {
    OpenApiRouter::new()
        .routes(routes!(booking_api::book))
        .routes(routes!(booking_api::my_bookings))
        .routes(routes!(booking_api::my_booking))
        .routes(routes!(booking_api::cancel))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_in_the_document_once() {
        assert_eq!(
            bazaar_shared::http::operations(&super::openapi()),
            [
                "GET /bookings",
                "GET /bookings/{id}",
                "POST /bookings/{id}/cancel",
                "POST /events/{id}/bookings",
            ]
        );
    }
}
