//! The `catalog` binary: staff create, change, soft-delete and restore products and upload
//! their pictures; anyone browses the live catalogue. Routes are declared once, in `routes()`.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef};
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::idempotency::IdempotencyStore;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::images::{IMAGE_MAX_BYTES, Images};
use crate::store::ShopStore;
use crate::{browse_api, catalog_api};

/// What the `catalog` routes use.
#[derive(Clone)]
pub struct CatalogState {
    pub(crate) store: ShopStore,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) cursors: CursorCodec,
    /// First answers of product creations sent with an `Idempotency-Key`.
    pub(crate) replays: IdempotencyStore,
    /// Product pictures.
    pub(crate) images: Images,
    pub(crate) clock: Clock,
}

impl FromRef<CatalogState> for Arc<TokenVerifier> {
    fn from_ref(state: &CatalogState) -> Self {
        state.verifier.clone()
    }
}

impl CatalogState {
    /// `SHOP_TABLE`, `IDENTITY_TABLE` and `JWT_PUBLIC_KEY` (token checks), `PAGINATION_KEY`,
    /// `IDEMPOTENCY_TABLE`, `UPLOADS_BUCKET`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        let db = aws.dynamodb.clone();
        Ok(Self {
            store: ShopStore::new(db.clone(), env.required("SHOP_TABLE")?),
            verifier: Arc::new(TokenVerifier::from_env(env, db.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            replays: IdempotencyStore::new(db, env.required("IDEMPOTENCY_TABLE")?),
            images: Images::new(aws.s3.clone(), env.required("UPLOADS_BUCKET")?),
            clock: init.clock.clone(),
        })
    }
}

/// The `catalog` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = CatalogState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `catalog` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<CatalogState> {
    // Pictures are the one body allowed past the default limit.
    let uploads = OpenApiRouter::new()
        .routes(routes!(catalog_api::put_image))
        .layer(DefaultBodyLimit::max(IMAGE_MAX_BYTES));
    OpenApiRouter::new()
        .routes(routes!(catalog_api::create_product, browse_api::catalogue))
        .routes(routes!(
            browse_api::product,
            catalog_api::change_product,
            catalog_api::delete_product
        ))
        .routes(routes!(catalog_api::restore_product))
        .routes(routes!(catalog_api::staff_product))
        .merge(uploads)
}

#[cfg(test)]
mod tests {
    use bazaar_shared::{AwsClients, Clock, ConfigError, Env, Init};

    /// A throw-away Ed25519 public key: building parses it, nothing is verified.
    const TEST_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAgsXlxtWhs9hcfe2sFyX+UIVFRn0IQxJFM4t3dUt4VmM=
-----END PUBLIC KEY-----
";

    fn init(vars: &[(&str, &str)]) -> Init {
        Init {
            env: Env::from_map(
                vars.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            aws: AwsClients::for_endpoints("http://127.0.0.1:1", "http://127.0.0.1:1", "us-east-1"),
            clock: Clock::system(),
        }
    }

    #[test]
    fn every_route_is_in_the_document_once() {
        assert_eq!(
            bazaar_shared::http::operations(&super::openapi()),
            [
                "DELETE /shop/products/{id}",
                "GET /shop/products",
                "GET /shop/products/{id}",
                "GET /shop/staff/products/{id}",
                "PATCH /shop/products/{id}",
                "POST /shop/products",
                "POST /shop/products/{id}/restore",
                "PUT /shop/products/{id}/image",
            ]
        );
    }

    #[test]
    fn a_missing_variable_fails_the_build_by_name() {
        let mut vars = vec![
            ("SHOP_TABLE", "shop"),
            ("IDENTITY_TABLE", "identity"),
            ("JWT_PUBLIC_KEY", TEST_PUBLIC_KEY),
            ("PAGINATION_KEY", "a cursor key that is long enough"),
            ("IDEMPOTENCY_TABLE", "idempotency"),
        ];
        let error = super::build(&init(&vars)).err().unwrap();
        assert_eq!(error, ConfigError::Missing("UPLOADS_BUCKET".into()));
        vars.push(("UPLOADS_BUCKET", "uploads"));
        let function = super::build(&init(&vars)).unwrap();
        assert_eq!(function.warm_table.as_deref(), Some("shop"));
    }
}
