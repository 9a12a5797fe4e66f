//! The `brokers` function: broker requests (applicants apply and withdraw; admins approve,
//! which grants the broker role in the same transaction, or reject) and brokers' stores.

mod admin;
mod requests;
mod shops;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::http::{document, serve};
use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{ApiError, Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::RequestRecord;
use crate::problems::no_such_request;
use crate::store::Store;

/// What the `brokers` function holds: the table, the identity client (applicants' addresses,
/// the role grant), the mail queue, token checks and cursors.
#[derive(Clone)]
pub struct BrokersState {
    pub store: Store,
    pub identity: IdentityClient,
    pub mail: JobQueue,
    pub verifier: Arc<TokenVerifier>,
    pub cursors: CursorCodec,
    pub clock: Clock,
}

impl FromRef<BrokersState> for Arc<TokenVerifier> {
    fn from_ref(state: &BrokersState) -> Self {
        state.verifier.clone()
    }
}

impl BrokersState {
    /// `BONDS_TABLE`, `IDENTITY_TABLE`, `MAIL_QUEUE_URL`, `JWT_PUBLIC_KEY`, `PAGINATION_KEY`.
    pub fn new(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            store: Store::new(aws.dynamodb.clone(), env.required("BONDS_TABLE")?),
            identity: IdentityClient::new(aws.dynamodb.clone(), env.required("IDENTITY_TABLE")?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            clock: init.clock.clone(),
        })
    }

    /// A broker request, or 404.
    async fn request(&self, request_id: &str) -> Result<RequestRecord, ApiError> {
        self.store
            .request(request_id)
            .await?
            .ok_or_else(no_such_request)
    }
}

/// The `brokers` binary.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = BrokersState::new(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(router(state)).warming(&table))
}

/// The routes with their state, finished with the platform's fallbacks and body limit.
pub fn router(state: BrokersState) -> Router {
    serve(routes(), state)
}

/// The OpenAPI description of the `brokers` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    document(routes())
}

fn routes() -> OpenApiRouter<BrokersState> {
    OpenApiRouter::new()
        .routes(routes!(requests::submit))
        .routes(routes!(requests::mine))
        .routes(routes!(requests::withdraw))
        .routes(routes!(admin::pending))
        .routes(routes!(admin::approve))
        .routes(routes!(admin::reject))
        .routes(routes!(shops::directory))
        .routes(routes!(
            shops::my_store,
            shops::save_store,
            shops::delete_store
        ))
}
