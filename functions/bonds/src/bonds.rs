//! The `bonds` function: the caller's bonds (`/bonds`, checked at once against stored draws)
//! and wins (`/wins`).

mod handlers;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::http::{document, serve};
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::input::Denominations;
use crate::matching::Matching;
use crate::store::Store;

/// What the `bonds` function holds: the table, winners' addresses and the mail queue (for
/// wins found when a bond is added), token checks, cursors, the denominations on sale.
#[derive(Clone)]
pub struct BondsState {
    pub matching: Matching,
    pub verifier: Arc<TokenVerifier>,
    pub cursors: CursorCodec,
    pub denominations: Denominations,
    pub clock: Clock,
}

impl FromRef<BondsState> for Arc<TokenVerifier> {
    fn from_ref(state: &BondsState) -> Self {
        state.verifier.clone()
    }
}

impl BondsState {
    /// `BONDS_TABLE`, `IDENTITY_TABLE`, `MAIL_QUEUE_URL`, `JWT_PUBLIC_KEY`, `PAGINATION_KEY`,
    /// and optionally `BOND_DENOMINATIONS`.
    pub fn new(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            matching: Matching::from_init(init)?,
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            denominations: Denominations::from_env(env)?,
            clock: init.clock.clone(),
        })
    }

    pub fn store(&self) -> &Store {
        &self.matching.store
    }
}

/// The `bonds` binary.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = BondsState::new(init)?;
    let table = state.store().table().to_owned();
    Ok(Function::http(router(state)).warming(&table))
}

/// The routes with their state, finished with the platform's fallbacks and body limit.
pub fn router(state: BondsState) -> Router {
    serve(routes(), state)
}

/// The OpenAPI description of the `bonds` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    document(routes())
}

fn routes() -> OpenApiRouter<BondsState> {
    use handlers::*;
    OpenApiRouter::new()
        .routes(routes!(add_bonds, list_bonds))
        .routes(routes!(change_number, delete_bond))
        .routes(routes!(list_wins))
}
