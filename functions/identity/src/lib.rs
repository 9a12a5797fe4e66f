//! Identity: accounts, e-mail codes, passwords, sessions and tokens (the `auth` function), and
//! profiles and user administration (the `users` function). Only `auth` holds the private key
//! that signs access tokens; `users`, like every other function, only verifies them.

mod admin_api;
mod auth_api;
pub mod bootstrap;
mod fields;
pub mod password;
mod profile_api;
pub mod store;
pub mod tokens;

use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{AwsClients, ConfigError, Env};

use crate::password::Passwords;
use crate::store::Store;
use crate::tokens::TokenIssuer;

pub use admin_api::AdminApiDoc;
pub use auth_api::AuthApiDoc;
pub use profile_api::ProfileApiDoc;

/// What the `auth` function needs.
pub struct AuthInner {
    pub store: Store,
    pub passwords: Passwords,
    pub issuer: TokenIssuer,
    pub verifier: Arc<TokenVerifier>,
    pub mail: JobQueue,
}

#[derive(Clone)]
pub struct AuthState(Arc<AuthInner>);

impl Deref for AuthState {
    type Target = AuthInner;
    fn deref(&self) -> &AuthInner {
        &self.0
    }
}

impl FromRef<AuthState> for Arc<TokenVerifier> {
    fn from_ref(state: &AuthState) -> Self {
        state.verifier.clone()
    }
}

impl AuthState {
    /// `IDENTITY_TABLE`, `JWT_PRIVATE_KEY`, `JWT_PUBLIC_KEY`, `MAIL_QUEUE_URL`.
    pub fn from_env(env: &Env, aws: &AwsClients) -> anyhow::Result<Self> {
        Ok(Self(Arc::new(AuthInner {
            store: Store::new(aws.dynamodb.clone(), env.required("IDENTITY_TABLE")?),
            passwords: Passwords::new()?,
            issuer: TokenIssuer::from_env(env)?,
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            mail: JobQueue::new(aws.sqs.clone(), env.required("MAIL_QUEUE_URL")?),
        })))
    }

    pub fn table(&self) -> &str {
        self.store.table()
    }
}

/// What the `users` function needs.
pub struct UsersInner {
    pub store: Store,
    pub verifier: Arc<TokenVerifier>,
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
    pub cursors: CursorCodec,
}

#[derive(Clone)]
pub struct UsersState(Arc<UsersInner>);

impl Deref for UsersState {
    type Target = UsersInner;
    fn deref(&self) -> &UsersInner {
        &self.0
    }
}

impl FromRef<UsersState> for Arc<TokenVerifier> {
    fn from_ref(state: &UsersState) -> Self {
        state.verifier.clone()
    }
}

impl UsersState {
    /// `IDENTITY_TABLE`, `JWT_PUBLIC_KEY`, `UPLOADS_BUCKET`, `PAGINATION_KEY`.
    pub fn from_env(env: &Env, aws: &AwsClients) -> Result<Self, ConfigError> {
        Ok(Self(Arc::new(UsersInner {
            store: Store::new(aws.dynamodb.clone(), env.required("IDENTITY_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            s3: aws.s3.clone(),
            bucket: env.required("UPLOADS_BUCKET")?,
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
        })))
    }

    pub fn table(&self) -> &str {
        self.store.table()
    }
}

/// The `auth` route group.
pub fn auth_router(state: AuthState) -> Router {
    bazaar_shared::http::api_router(auth_api::routes().with_state(state))
}

/// The `users` route group: the caller's profile and user administration.
pub fn users_router(state: UsersState) -> Router {
    bazaar_shared::http::api_router(
        profile_api::routes()
            .merge(admin_api::routes())
            .with_state(state),
    )
}
