//! The `auth` binary: sign-up with an e-mail code, sign-in, refresh, sign-out, password reset
//! and change. The only function holding the private key that signs access tokens. Routes are
//! declared once, in [`routes`].

use std::sync::Arc;

use axum::extract::FromRef;
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::password::Passwords;
use crate::store::Store;
use crate::tokens::TokenIssuer;
use crate::{password_api, session_api, signup_api};

/// What the `auth` routes use.
#[derive(Clone)]
pub struct AuthState {
    pub(crate) store: Store,
    pub(crate) passwords: Passwords,
    pub(crate) issuer: Arc<TokenIssuer>,
    pub(crate) verifier: Arc<TokenVerifier>,
    /// Where code mails go (the `mailer` consumes it).
    pub(crate) mail: JobQueue,
    pub(crate) clock: Clock,
}

impl FromRef<AuthState> for Arc<TokenVerifier> {
    fn from_ref(state: &AuthState) -> Self {
        state.verifier.clone()
    }
}

impl AuthState {
    /// `IDENTITY_TABLE`, `JWT_PRIVATE_KEY`, `JWT_PUBLIC_KEY`, `MAIL_QUEUE_URL`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            store: Store::new(aws.dynamodb.clone(), env.required("IDENTITY_TABLE")?),
            passwords: Passwords::new(),
            issuer: Arc::new(TokenIssuer::from_env(env)?),
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
            clock: init.clock.clone(),
        })
    }
}

/// The `auth` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = AuthState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `auth` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<AuthState> {
    OpenApiRouter::new()
        .routes(routes!(signup_api::register))
        .routes(routes!(signup_api::verify))
        .routes(routes!(signup_api::resend_verification))
        .routes(routes!(session_api::login))
        .routes(routes!(session_api::refresh))
        .routes(routes!(session_api::logout))
        .routes(routes!(password_api::forgot_password))
        .routes(routes!(password_api::reset_password))
        .routes(routes!(password_api::change_password))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{TEST_PRIVATE_KEY, TEST_PUBLIC_KEY, init};

    #[test]
    fn auth_reads_its_variables_at_build_and_names_a_missing_one() {
        let mut vars = vec![
            ("IDENTITY_TABLE", "identity"),
            ("JWT_PRIVATE_KEY", TEST_PRIVATE_KEY),
            ("JWT_PUBLIC_KEY", TEST_PUBLIC_KEY),
        ];
        let error = build(&init(&vars)).err().unwrap();
        assert_eq!(error, ConfigError::Missing("MAIL_QUEUE_URL".into()));
        vars.push(("MAIL_QUEUE_URL", "http://queue"));
        let error = build(&init(&vars)).err().unwrap();
        assert_eq!(error, ConfigError::Missing("OUTBOX_TABLE".into()));
        vars.push(("OUTBOX_TABLE", "outbox"));
        let function = build(&init(&vars)).unwrap();
        assert_eq!(function.warm_table.as_deref(), Some("identity"));
    }

    #[test]
    fn the_document_describes_every_auth_route() {
        let document = openapi();
        let mut paths: Vec<&str> = document.paths.paths.keys().map(String::as_str).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "/auth/login",
                "/auth/logout",
                "/auth/password/change",
                "/auth/password/forgot",
                "/auth/password/reset",
                "/auth/refresh",
                "/auth/register",
                "/auth/verify",
                "/auth/verify/resend",
            ]
        );
        assert!(
            document
                .paths
                .paths
                .values()
                .all(|item| item.post.is_some())
        );
    }
}
