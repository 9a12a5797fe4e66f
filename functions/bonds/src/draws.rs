//! The `draws` function: admins upload official winning lists (to S3 and the draw queue) and
//! delete draws; anyone lists and reads draws and looks up whether a number won.

mod reads;
mod uploads;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::http::{document, serve};
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{ApiError, Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::DrawRecord;
use crate::problems::no_such_draw;
use crate::store::Store;

/// A list of 1,605 numbers is about 12 KiB; 256 KiB leaves room for any real layout.
pub const DRAW_MAX_BYTES: usize = 256 * 1024;

/// What the `draws` function holds: the table, the uploads bucket, the draw queue, token
/// checks and cursors. It mails no one.
#[derive(Clone)]
pub struct DrawsState {
    pub store: Store,
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
    pub draw_queue: JobQueue,
    pub verifier: Arc<TokenVerifier>,
    pub cursors: CursorCodec,
    pub clock: Clock,
}

impl FromRef<DrawsState> for Arc<TokenVerifier> {
    fn from_ref(state: &DrawsState) -> Self {
        state.verifier.clone()
    }
}

impl DrawsState {
    /// `BONDS_TABLE`, `UPLOADS_BUCKET`, `DRAW_QUEUE_URL`, `IDENTITY_TABLE` and
    /// `JWT_PUBLIC_KEY` (token checks), `PAGINATION_KEY`.
    pub fn new(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            store: Store::new(aws.dynamodb.clone(), env.required("BONDS_TABLE")?),
            s3: aws.s3.clone(),
            bucket: env.required("UPLOADS_BUCKET")?,
            draw_queue: JobQueue::from_init(init, "DRAW_QUEUE_URL")?,
            verifier: Arc::new(TokenVerifier::from_env(env, aws.dynamodb.clone())?),
            cursors: CursorCodec::new(env.secret("PAGINATION_KEY")?),
            clock: init.clock.clone(),
        })
    }

    /// A draw in any status, or 404.
    async fn existing(&self, draw_id: &str) -> Result<DrawRecord, ApiError> {
        self.store.draw(draw_id).await?.ok_or_else(no_such_draw)
    }
}

/// The `draws` binary.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = DrawsState::new(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(router(state)).warming(&table))
}

/// The routes with their state, finished with the platform's fallbacks and body limit.
pub fn router(state: DrawsState) -> Router {
    serve(routes(), state)
}

/// The OpenAPI description of the `draws` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    document(routes())
}

fn routes() -> OpenApiRouter<DrawsState> {
    // Uploads share their path with the listing, so the larger limit covers both.
    let lists = OpenApiRouter::new()
        .routes(routes!(uploads::upload_draw, reads::list_draws))
        .layer(DefaultBodyLimit::max(DRAW_MAX_BYTES));
    OpenApiRouter::new()
        .merge(lists)
        .routes(routes!(reads::get_draw, uploads::delete_draw))
        .routes(routes!(reads::lookup_number))
}
