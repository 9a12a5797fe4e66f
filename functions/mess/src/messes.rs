//! The `messes` binary: owners' messes, students joining one, and the owner's dashboard,
//! submissions, notifications and students. Routes are declared once, in `routes()`.

use std::sync::Arc;

use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::store::MessStore;
use crate::{mess_api, owner_api};

/// What the `messes` routes use.
#[derive(Clone)]
pub struct MessesState {
    pub(crate) store: MessStore,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) cursors: CursorCodec,
    pub(crate) clock: Clock,
}

impl FromRef<MessesState> for Arc<TokenVerifier> {
    fn from_ref(state: &MessesState) -> Self {
        state.verifier.clone()
    }
}

impl MessesState {
    /// `MESS_TABLE`, `IDENTITY_TABLE` (token checks), `JWT_PUBLIC_KEY`, `PAGINATION_KEY`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        let db = aws.dynamodb.clone();
        Ok(Self {
            store: MessStore::new(db.clone(), env.required("MESS_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, db)?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            clock: init.clock.clone(),
        })
    }
}

/// The `messes` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = MessesState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `messes` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<MessesState> {
    OpenApiRouter::new()
        .routes(routes!(mess_api::create_mess, mess_api::my_messes))
        .routes(routes!(mess_api::mess, mess_api::change_mess))
        .routes(routes!(mess_api::join))
        .routes(routes!(mess_api::my_mess))
        .routes(routes!(owner_api::dashboard))
        .routes(routes!(owner_api::submissions))
        .routes(routes!(owner_api::notifications))
        .routes(routes!(owner_api::mark_read))
        .routes(routes!(owner_api::students))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_in_the_document_once() {
        assert_eq!(
            bazaar_shared::http::operations(&super::openapi()),
            [
                "GET /mess/me",
                "GET /mess/messes",
                "GET /mess/messes/{id}",
                "GET /mess/messes/{id}/dashboard",
                "GET /mess/messes/{id}/notifications",
                "GET /mess/messes/{id}/students",
                "GET /mess/messes/{id}/submissions",
                "PATCH /mess/messes/{id}",
                "POST /mess/join",
                "POST /mess/messes",
                "POST /mess/messes/{id}/notifications/{note}/read",
            ]
        );
    }
}
