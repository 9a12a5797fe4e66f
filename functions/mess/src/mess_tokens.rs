//! The `mess-tokens` binary: students buy tokens (orders, payment verification, and the
//! Razorpay webhook), read their balance, tokens, payments and submissions, set their PIN and
//! redeem. Routes are declared once, in `routes()`.

use std::sync::Arc;

use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::idempotency::IdempotencyStore;
use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::webhook::{Scheme, WebhookVerifier};
use bazaar_shared::{Clock, ConfigError, Function, Init};
use secrecy::SecretString;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::gateway::{PaymentGateway, RazorpayGateway};
use crate::pin::Pins;
use crate::store::MessStore;
use crate::{order_api, redeem_api, token_api, webhook_api};

/// What the `mess-tokens` routes use.
#[derive(Clone)]
pub struct TokensState {
    pub(crate) store: MessStore,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) cursors: CursorCodec,
    pub(crate) gateway: Arc<dyn PaymentGateway>,
    /// Shown to the checkout with each order.
    pub(crate) key_id: String,
    /// Signs the checkout's result (`order_id|payment_id`).
    pub(crate) key_secret: SecretString,
    /// Checks `X-Razorpay-Signature` on webhooks.
    pub(crate) webhooks: WebhookVerifier,
    /// Webhook event ids already handled.
    pub(crate) replays: IdempotencyStore,
    /// Payment receipts go straight to the mailer.
    pub(crate) mail: JobQueue,
    pub(crate) identity: IdentityClient,
    pub(crate) pins: Pins,
    pub(crate) clock: Clock,
}

impl FromRef<TokensState> for Arc<TokenVerifier> {
    fn from_ref(state: &TokensState) -> Self {
        state.verifier.clone()
    }
}

impl TokensState {
    /// `MESS_TABLE`, `IDENTITY_TABLE`, `IDEMPOTENCY_TABLE`, `MAIL_QUEUE_URL`, `JWT_PUBLIC_KEY`,
    /// `PAGINATION_KEY`, `RAZORPAY_BASE_URL`, `RAZORPAY_KEY_ID`, `RAZORPAY_KEY_SECRET`,
    /// `RAZORPAY_WEBHOOK_SECRET`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        let db = aws.dynamodb.clone();
        let key_id = env.required("RAZORPAY_KEY_ID")?;
        let key_secret = env.secret("RAZORPAY_KEY_SECRET")?;
        let base_url = env.required("RAZORPAY_BASE_URL")?;
        let gateway =
            RazorpayGateway::new(&base_url, key_id.clone(), key_secret.clone()).map_err(|e| {
                ConfigError::Invalid {
                    name: "RAZORPAY_BASE_URL".into(),
                    reason: format!("{e:#}"),
                }
            })?;
        let webhooks = WebhookVerifier::new(
            env.secret("RAZORPAY_WEBHOOK_SECRET")?,
            Scheme::BodyHex {
                header: "x-razorpay-signature",
            },
        );
        Ok(Self {
            store: MessStore::new(db.clone(), env.required("MESS_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, db.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            gateway: Arc::new(gateway),
            key_id,
            key_secret,
            webhooks,
            replays: IdempotencyStore::new(db.clone(), env.required("IDEMPOTENCY_TABLE")?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            identity: IdentityClient::new(db, env.required("IDENTITY_TABLE")?),
            pins: Pins::new(),
            clock: init.clock.clone(),
        })
    }
}

/// The `mess-tokens` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = TokensState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `mess-tokens` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<TokensState> {
    OpenApiRouter::new()
        .routes(routes!(order_api::create_order, order_api::my_orders))
        .routes(routes!(order_api::my_order))
        .routes(routes!(order_api::verify))
        .routes(routes!(webhook_api::razorpay_webhook))
        .routes(routes!(token_api::balance))
        .routes(routes!(token_api::tokens))
        .routes(routes!(token_api::payments))
        .routes(routes!(token_api::my_submissions))
        .routes(routes!(redeem_api::set_pin))
        .routes(routes!(redeem_api::redeem))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_in_the_document_once() {
        assert_eq!(
            bazaar_shared::http::operations(&super::openapi()),
            [
                "GET /mess/balance",
                "GET /mess/orders",
                "GET /mess/orders/{id}",
                "GET /mess/payments",
                "GET /mess/submissions",
                "GET /mess/tokens",
                "POST /mess/orders",
                "POST /mess/orders/{id}/verify",
                "POST /mess/redemptions",
                "POST /mess/webhooks/razorpay",
                "PUT /mess/me/pin",
            ]
        );
    }
}
