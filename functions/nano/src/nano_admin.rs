//! The `nano-admin` binary: pending withdrawals and their decisions, removing a task, and the
//! marketplace's figures.

use std::sync::Arc;

use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::notices::Notifier;
use crate::store::NanoStore;
use crate::{admin_api, stats_api};

/// What the `nano-admin` routes use.
#[derive(Clone)]
pub struct AdminState {
    pub(crate) store: NanoStore,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) cursors: CursorCodec,
    /// Display names (top workers) and role holders (admin stats).
    pub(crate) identity: IdentityClient,
    /// Mail about decisions, through the mailer.
    pub(crate) notifier: Notifier,
    pub(crate) clock: Clock,
}

impl FromRef<AdminState> for Arc<TokenVerifier> {
    fn from_ref(state: &AdminState) -> Self {
        state.verifier.clone()
    }
}

impl AdminState {
    /// `NANO_TABLE`, `IDENTITY_TABLE` and `JWT_PUBLIC_KEY` (token checks), `PAGINATION_KEY`,
    /// `MAIL_QUEUE_URL`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        let identity = IdentityClient::new(aws.dynamodb.clone(), env.required("IDENTITY_TABLE")?);
        Ok(Self {
            store: NanoStore::new(aws.dynamodb.clone(), env.required("NANO_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            identity: identity.clone(),
            notifier: Notifier {
                identity,
                mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            },
            clock: init.clock.clone(),
        })
    }
}

/// The `nano-admin` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = AdminState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `nano-admin` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<AdminState> {
    OpenApiRouter::new()
        .routes(routes!(admin_api::pending_withdrawals))
        .routes(routes!(admin_api::pay_withdrawal))
        .routes(routes!(admin_api::reject_withdrawal))
        .routes(routes!(admin_api::remove_task))
        .routes(routes!(stats_api::admin_stats))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_in_the_document_once() {
        assert_eq!(
            bazaar_shared::http::operations(&super::openapi()),
            [
                "DELETE /nano/admin/tasks/{id}",
                "GET /nano/admin/stats",
                "GET /nano/admin/withdrawals",
                "POST /nano/admin/withdrawals/{id}/approve",
                "POST /nano/admin/withdrawals/{id}/reject",
            ]
        );
    }
}
