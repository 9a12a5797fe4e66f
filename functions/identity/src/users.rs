//! The `users` binary: the caller's profile (`/me`) and user administration (`/admin/*`).
//! Like every function but `auth`, it only verifies access tokens. Routes are declared once,
//! in [`routes`].

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef};
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::store::Store;
use crate::{admin_api, profile_api};
use bazaar_shared::pictures::{PICTURE_MAX_BYTES as AVATAR_MAX_BYTES, Pictures};

/// What the `users` routes use.
#[derive(Clone)]
pub struct UsersState {
    pub(crate) store: Store,
    pub(crate) verifier: Arc<TokenVerifier>,
    /// Profile pictures (under `avatars/<user>/`).
    pub(crate) pictures: Pictures,
    pub(crate) cursors: CursorCodec,
    pub(crate) clock: Clock,
}

impl FromRef<UsersState> for Arc<TokenVerifier> {
    fn from_ref(state: &UsersState) -> Self {
        state.verifier.clone()
    }
}

impl UsersState {
    /// `IDENTITY_TABLE`, `JWT_PUBLIC_KEY`, `UPLOADS_BUCKET`, `PAGINATION_KEY`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            store: Store::new(aws.dynamodb.clone(), env.required("IDENTITY_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            pictures: Pictures::new(aws.s3.clone(), env.required("UPLOADS_BUCKET")?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            clock: init.clock.clone(),
        })
    }
}

/// The `users` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = UsersState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `users` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<UsersState> {
    // Pictures are the one body allowed past the default limit.
    let uploads = OpenApiRouter::new()
        .routes(routes!(profile_api::upload_avatar))
        .layer(DefaultBodyLimit::max(AVATAR_MAX_BYTES));
    OpenApiRouter::new()
        .routes(routes!(profile_api::me, profile_api::update_me))
        .merge(uploads)
        .routes(routes!(admin_api::list_users))
        .routes(routes!(admin_api::get_user))
        .routes(routes!(admin_api::grant_role, admin_api::revoke_role))
        .routes(routes!(admin_api::disable_user))
        .routes(routes!(admin_api::enable_user))
        .routes(routes!(admin_api::audit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{TEST_PUBLIC_KEY, init};

    #[test]
    fn users_needs_no_private_key_but_its_bucket_and_cursor_key() {
        let mut vars = vec![
            ("IDENTITY_TABLE", "identity"),
            ("JWT_PUBLIC_KEY", TEST_PUBLIC_KEY),
            ("UPLOADS_BUCKET", "uploads"),
        ];
        let error = build(&init(&vars)).err().unwrap();
        assert_eq!(error, ConfigError::Missing("PAGINATION_KEY".into()));
        vars.push(("PAGINATION_KEY", "a cursor key that is long enough"));
        let function = build(&init(&vars)).unwrap();
        assert_eq!(function.warm_table.as_deref(), Some("identity"));
    }

    #[test]
    fn paths_shared_by_several_methods_are_described_with_each() {
        let document = openapi();
        let paths = &document.paths.paths;
        assert_eq!(paths.len(), 8);
        assert!(paths["/me"].get.is_some() && paths["/me"].patch.is_some());
        let roles = &paths["/admin/users/{id}/roles/{role}"];
        assert!(roles.put.is_some() && roles.delete.is_some());
        assert!(paths["/me/avatar"].put.is_some());
    }
}
