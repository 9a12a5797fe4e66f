//! The `events` binary: organizers' events (create, change, publish, cancel, delete, list
//! with sales) and the public listing. Routes are declared once, in `routes()`.

use std::sync::Arc;

use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::store::TicketStore;
use crate::{browse_api, organizer_api};

/// What the `events` routes use.
#[derive(Clone)]
pub struct EventsState {
    pub(crate) store: TicketStore,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) cursors: CursorCodec,
    /// Fan-out jobs (change, cancellation) for the `ticket-jobs` consumer.
    pub(crate) jobs: JobQueue,
    pub(crate) clock: Clock,
}

impl FromRef<EventsState> for Arc<TokenVerifier> {
    fn from_ref(state: &EventsState) -> Self {
        state.verifier.clone()
    }
}

impl EventsState {
    /// `TICKETS_TABLE`, `IDENTITY_TABLE` and `JWT_PUBLIC_KEY` (token checks), `PAGINATION_KEY`,
    /// `TICKET_JOBS_QUEUE_URL`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            store: TicketStore::new(aws.dynamodb.clone(), env.required("TICKETS_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            jobs: JobQueue::from_init(init, "TICKET_JOBS_QUEUE_URL")?,
            clock: init.clock.clone(),
        })
    }
}

/// The `events` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = EventsState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `events` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<EventsState> {
    OpenApiRouter::new()
        .routes(routes!(organizer_api::create_event, browse_api::browse))
        .routes(routes!(
            browse_api::event_detail,
            organizer_api::change_event,
            organizer_api::delete_event
        ))
        .routes(routes!(organizer_api::publish_event))
        .routes(routes!(organizer_api::unpublish_event))
        .routes(routes!(organizer_api::cancel_event))
        .routes(routes!(organizer_api::my_events))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_in_the_document_once() {
        assert_eq!(
            bazaar_shared::http::operations(&super::openapi()),
            [
                "DELETE /events/{id}",
                "GET /events",
                "GET /events/{id}",
                "GET /organizer/events",
                "PATCH /events/{id}",
                "POST /events",
                "POST /events/{id}/cancel",
                "POST /events/{id}/publish",
                "POST /events/{id}/unpublish",
            ]
        );
    }
}
