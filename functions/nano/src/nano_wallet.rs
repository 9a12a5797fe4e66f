//! The `nano-wallet` binary: the caller's wallet and ledger, coin packages, Stripe Checkout,
//! the Stripe webhook that alone credits coins, and withdrawal requests.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::idempotency::IdempotencyStore;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::webhook::{Scheme, WebhookVerifier};
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::gateway::{Stripe, StripeGateway};
use crate::store::NanoStore;
use crate::{CoinPackage, WithdrawalRules, wallet_api, webhook_api, withdrawal_api};

/// Stripe's own replay window for `Stripe-Signature`.
const SIGNATURE_TOLERANCE: Duration = Duration::from_secs(300);

/// What the `nano-wallet` routes use.
#[derive(Clone)]
pub struct WalletState {
    pub(crate) store: NanoStore,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) cursors: CursorCodec,
    /// Claims of webhook event ids.
    pub(crate) replays: IdempotencyStore,
    pub(crate) stripe: Arc<dyn StripeGateway>,
    pub(crate) webhooks: WebhookVerifier,
    pub(crate) packages: Arc<Vec<CoinPackage>>,
    pub(crate) withdrawals: WithdrawalRules,
    /// Where Stripe sends the buyer back (`?checkout=success|cancel` is appended).
    pub(crate) return_url: String,
    pub(crate) clock: Clock,
}

impl FromRef<WalletState> for Arc<TokenVerifier> {
    fn from_ref(state: &WalletState) -> Self {
        state.verifier.clone()
    }
}

impl WalletState {
    /// `NANO_TABLE`, `IDENTITY_TABLE` and `JWT_PUBLIC_KEY` (token checks), `PAGINATION_KEY`,
    /// `IDEMPOTENCY_TABLE`, `STRIPE_BASE_URL`, `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`,
    /// `NANO_RETURN_URL`; optional `NANO_COIN_PACKAGES`, `NANO_WITHDRAWAL_MIN_COINS`,
    /// `NANO_COINS_PER_DOLLAR`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        let db = aws.dynamodb.clone();
        let stripe = Stripe::new(
            &env.required("STRIPE_BASE_URL")?,
            env.secret("STRIPE_SECRET_KEY")?,
        )
        .map_err(|e| ConfigError::Invalid {
            name: "STRIPE_BASE_URL".into(),
            reason: e.to_string(),
        })?;
        let tolerance = SIGNATURE_TOLERANCE;
        Ok(Self {
            store: NanoStore::new(db.clone(), env.required("NANO_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, db.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            replays: IdempotencyStore::new(db, env.required("IDEMPOTENCY_TABLE")?),
            stripe: Arc::new(stripe),
            webhooks: WebhookVerifier::new(
                env.secret("STRIPE_WEBHOOK_SECRET")?,
                Scheme::Stripe { tolerance },
            ),
            packages: Arc::new(CoinPackage::from_env(env)?),
            withdrawals: WithdrawalRules::from_env(env)?,
            return_url: env
                .required("NANO_RETURN_URL")?
                .trim_end_matches('/')
                .to_owned(),
            clock: init.clock.clone(),
        })
    }
}

/// The `nano-wallet` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = WalletState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `nano-wallet` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<WalletState> {
    OpenApiRouter::new()
        .routes(routes!(wallet_api::wallet))
        .routes(routes!(wallet_api::ledger))
        .routes(routes!(wallet_api::packages))
        .routes(routes!(wallet_api::checkout))
        .routes(routes!(webhook_api::stripe_webhook))
        .routes(routes!(
            withdrawal_api::request_withdrawal,
            withdrawal_api::my_withdrawals
        ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_in_the_document_once() {
        assert_eq!(
            bazaar_shared::http::operations(&super::openapi()),
            [
                "GET /nano/coin-packages",
                "GET /nano/wallet",
                "GET /nano/wallet/ledger",
                "GET /nano/withdrawals",
                "POST /nano/checkout",
                "POST /nano/webhooks/stripe",
                "POST /nano/withdrawals",
            ]
        );
    }
}
