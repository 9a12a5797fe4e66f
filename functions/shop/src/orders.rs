//! The `orders` binary: customers place, list, read and cancel their own orders; staff list
//! orders by status and move them through their lifecycle. Routes are declared once, in
//! `routes()`.

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

use crate::store::ShopStore;
use crate::{order_api, staff_order_api};

/// What the `orders` routes use.
#[derive(Clone)]
pub struct OrdersState {
    pub(crate) store: ShopStore,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) cursors: CursorCodec,
    /// Order mails go straight to the mailer.
    pub(crate) mail: JobQueue,
    /// First answers of checkouts sent with an `Idempotency-Key`.
    pub(crate) replays: IdempotencyStore,
    /// Where the customer's address is read for their mails.
    pub(crate) identity: IdentityClient,
    pub(crate) clock: Clock,
}

impl FromRef<OrdersState> for Arc<TokenVerifier> {
    fn from_ref(state: &OrdersState) -> Self {
        state.verifier.clone()
    }
}

impl OrdersState {
    /// `SHOP_TABLE`, `IDENTITY_TABLE` (token checks, addresses), `JWT_PUBLIC_KEY`,
    /// `PAGINATION_KEY`, `IDEMPOTENCY_TABLE`, `MAIL_QUEUE_URL`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        let db = aws.dynamodb.clone();
        Ok(Self {
            store: ShopStore::new(db.clone(), env.required("SHOP_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, db.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            replays: IdempotencyStore::new(db.clone(), env.required("IDEMPOTENCY_TABLE")?),
            identity: IdentityClient::new(db, env.required("IDENTITY_TABLE")?),
            clock: init.clock.clone(),
        })
    }
}

/// The `orders` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = OrdersState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `orders` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<OrdersState> {
    OpenApiRouter::new()
        .routes(routes!(order_api::place_order, order_api::my_orders))
        .routes(routes!(order_api::my_order))
        .routes(routes!(order_api::cancel_order))
        .routes(routes!(staff_order_api::orders_by_status))
        .routes(routes!(staff_order_api::staff_order))
        .routes(routes!(staff_order_api::move_order))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_in_the_document_once() {
        assert_eq!(
            bazaar_shared::http::operations(&super::openapi()),
            [
                "GET /shop/orders",
                "GET /shop/orders/{id}",
                "GET /shop/staff/orders",
                "GET /shop/staff/orders/{id}",
                "POST /shop/orders",
                "POST /shop/orders/{id}/cancel",
                "POST /shop/staff/orders/{id}/status",
            ]
        );
    }
}
