//! The `nano-tasks` binary: buyers' tasks (post with escrow, edit, close with refund), open
//! tasks for workers, submissions and the buyer's decisions, the caller's figures and the
//! best-earning workers.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef};
use bazaar_shared::auth::TokenVerifier;
use bazaar_shared::idempotency::IdempotencyStore;
use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::JobQueue;
use bazaar_shared::pagination::CursorCodec;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::images::{IMAGE_MAX_BYTES, TaskImages};
use crate::notices::Notifier;
use crate::store::NanoStore;
use crate::{image_api, stats_api, submission_api, task_api};

/// What the `nano-tasks` routes use.
#[derive(Clone)]
pub struct TasksState {
    pub(crate) store: NanoStore,
    pub(crate) verifier: Arc<TokenVerifier>,
    pub(crate) cursors: CursorCodec,
    /// Display names (top workers) and role holders (admin stats).
    pub(crate) identity: IdentityClient,
    /// Mail about decisions, through the mailer.
    pub(crate) notifier: Notifier,
    pub(crate) images: TaskImages,
    /// First answers of task posts sent with an `Idempotency-Key`.
    pub(crate) replays: IdempotencyStore,
    pub(crate) clock: Clock,
}

impl FromRef<TasksState> for Arc<TokenVerifier> {
    fn from_ref(state: &TasksState) -> Self {
        state.verifier.clone()
    }
}

impl TasksState {
    /// `NANO_TABLE`, `IDENTITY_TABLE` and `JWT_PUBLIC_KEY` (token checks), `PAGINATION_KEY`,
    /// `MAIL_QUEUE_URL`, `UPLOADS_BUCKET`, `IDEMPOTENCY_TABLE`.
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
            images: TaskImages::new(aws.s3.clone(), env.required("UPLOADS_BUCKET")?),
            replays: IdempotencyStore::new(
                aws.dynamodb.clone(),
                env.required("IDEMPOTENCY_TABLE")?,
            ),
            clock: init.clock.clone(),
        })
    }
}

/// The `nano-tasks` function.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = TasksState::from_init(init)?;
    let table = state.store.table().to_owned();
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)).warming(&table))
}

/// The OpenAPI description of the `nano-tasks` routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<TasksState> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(image_api::put_image, image_api::image))
        .layer(DefaultBodyLimit::max(IMAGE_MAX_BYTES));
    OpenApiRouter::new()
        .merge(uploads)
        .routes(routes!(task_api::post_task, task_api::open_tasks))
        .routes(routes!(task_api::my_tasks))
        .routes(routes!(
            task_api::get_task,
            task_api::edit_task,
            task_api::close_task
        ))
        .routes(routes!(
            submission_api::submit,
            submission_api::task_submissions
        ))
        .routes(routes!(submission_api::my_submissions))
        .routes(routes!(submission_api::approve))
        .routes(routes!(submission_api::reject))
        .routes(routes!(submission_api::notifications))
        .routes(routes!(stats_api::my_stats))
        .routes(routes!(stats_api::top_workers))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_in_the_document_once() {
        assert_eq!(
            bazaar_shared::http::operations(&super::openapi()),
            [
                "DELETE /nano/tasks/{id}",
                "GET /nano/notifications",
                "GET /nano/stats",
                "GET /nano/submissions",
                "GET /nano/tasks",
                "GET /nano/tasks/mine",
                "GET /nano/tasks/{id}",
                "GET /nano/tasks/{id}/image",
                "GET /nano/tasks/{id}/submissions",
                "GET /nano/top-workers",
                "PATCH /nano/tasks/{id}",
                "POST /nano/tasks",
                "POST /nano/tasks/{id}/submissions",
                "POST /nano/tasks/{id}/submissions/{worker_id}/approve",
                "POST /nano/tasks/{id}/submissions/{worker_id}/reject",
                "PUT /nano/tasks/{id}/image",
            ]
        );
    }
}
