//! Prize bonds: the bond registry and wins (`bonds`), winning-list upload and reads (`draws`),
//! the draw worker (`draws-worker`, SQS), the scheduled matcher (`bond-matcher`), and broker
//! requests and stores (`brokers`). One DynamoDB table holds it all (see [`store`]).

mod bonds_api;
mod broker_admin_api;
mod brokers_api;
mod draws_api;
pub mod matcher;
pub mod matching;
pub mod model;
pub mod parse;
pub mod store;
mod stores_api;
pub mod views;
pub mod worker;

use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{AwsClients, ConfigError, Env};

use crate::matching::Matching;
use crate::model::Denominations;
use crate::store::Store;

pub use bonds_api::BondsApiDoc;
pub use broker_admin_api::BrokerAdminApiDoc;
pub use brokers_api::BrokerRequestsApiDoc;
pub use draws_api::DrawsApiDoc;
pub use matcher::BondMatcher;
pub use stores_api::StoresApiDoc;
pub use worker::DrawWorker;

/// What every prize-bond function may need; each function's `from_env` reads only its part.
pub struct Inner {
    pub matching: Matching,
    pub verifier: Arc<TokenVerifier>,
    pub cursors: CursorCodec,
    pub denominations: Denominations,
    pub s3: aws_sdk_s3::Client,
    /// `UPLOADS_BUCKET` and `DRAW_QUEUE_URL`: only the `draws` function has them.
    pub uploads: Option<(String, JobQueue)>,
}

/// The state of the HTTP functions (`bonds`, `draws`, `brokers`).
#[derive(Clone)]
pub struct BondsState(Arc<Inner>);

impl Deref for BondsState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl FromRef<BondsState> for Arc<TokenVerifier> {
    fn from_ref(state: &BondsState) -> Self {
        state.verifier.clone()
    }
}

/// `BONDS_TABLE`, `IDENTITY_TABLE`, and `MAIL_QUEUE_URL` where the function mails.
pub fn matching_from_env(env: &Env, aws: &AwsClients) -> Result<Matching, ConfigError> {
    Ok(Matching {
        store: Store::new(aws.dynamodb.clone(), env.required("BONDS_TABLE")?),
        users: bazaar_identity::store::Store::new(
            aws.dynamodb.clone(),
            env.required("IDENTITY_TABLE")?,
        ),
        mail: env
            .optional("MAIL_QUEUE_URL")
            .map(|url| JobQueue::new(aws.sqs.clone(), url)),
    })
}

impl BondsState {
    /// `BONDS_TABLE`, `IDENTITY_TABLE`, `MAIL_QUEUE_URL`, `JWT_PUBLIC_KEY`, `PAGINATION_KEY`,
    /// optional `BOND_DENOMINATIONS`, and for `draws` also `UPLOADS_BUCKET` and `DRAW_QUEUE_URL`.
    pub fn from_env(env: &Env, aws: &AwsClients) -> Result<Self, ConfigError> {
        let uploads = match env.optional("DRAW_QUEUE_URL") {
            Some(queue) => Some((
                env.required("UPLOADS_BUCKET")?,
                JobQueue::new(aws.sqs.clone(), queue),
            )),
            None => None,
        };
        Ok(Self(Arc::new(Inner {
            matching: matching_from_env(env, aws)?,
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            denominations: Denominations::from_env(env)?,
            s3: aws.s3.clone(),
            uploads,
        })))
    }

    pub fn store(&self) -> &Store {
        &self.matching.store
    }

    pub fn table(&self) -> &str {
        self.store().table()
    }
}

impl DrawWorker {
    /// `BONDS_TABLE`, `IDENTITY_TABLE`, `MAIL_QUEUE_URL`, `UPLOADS_BUCKET`, `BOND_DENOMINATIONS`.
    pub fn from_env(env: &Env, aws: &AwsClients) -> Result<Self, ConfigError> {
        Ok(Self {
            matching: matching_from_env(env, aws)?,
            s3: aws.s3.clone(),
            bucket: env.required("UPLOADS_BUCKET")?,
            denominations: Denominations::from_env(env)?,
        })
    }
}

/// The `bonds` route group: the caller's bonds and wins.
pub fn bonds_router(state: BondsState) -> Router {
    bazaar_shared::http::api_router(bonds_api::routes().with_state(state))
}

/// The `draws` route group: winning lists.
pub fn draws_router(state: BondsState) -> Router {
    bazaar_shared::http::api_router(draws_api::routes().with_state(state))
}

/// The `brokers` route group: broker requests and stores.
pub fn brokers_router(state: BondsState) -> Router {
    bazaar_shared::http::api_router(
        brokers_api::routes()
            .merge(stores_api::routes())
            .with_state(state),
    )
}
