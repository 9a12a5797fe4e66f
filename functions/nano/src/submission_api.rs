//! Workers' submissions and the buyer's decisions. Only a task's buyer sees or decides its
//! submissions; to anyone else they do not exist.

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Authorized;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};

use crate::input::{Id, SubmissionBody, SubmissionsQuery};
use crate::model::{Notification, Submission};
use crate::nano_tasks::TasksState;
use crate::problem::{conflict, not_found};
use crate::store::{DecideError, Listing, SubmitError};
use crate::{BuyerOnly, Participant, WorkerOnly};

impl From<SubmitError> for ApiError {
    fn from(error: SubmitError) -> Self {
        match error {
            SubmitError::NotFound => not_found("No such task."),
            SubmitError::OwnTask => ApiError::Unprocessable {
                problem: "own-task",
                detail: "You cannot submit to your own task.".into(),
            },
            SubmitError::NotOpen(why) => ApiError::Unprocessable {
                problem: "task-not-open",
                detail: format!("This task takes no submissions: {why}."),
            },
            SubmitError::Full => conflict("task-full", "Every slot of this task is taken."),
            SubmitError::AlreadySubmitted => {
                conflict("already-submitted", "You submitted to this task already.")
            }
            SubmitError::Contention => ApiError::contention(),
            SubmitError::Other(e) => e.into(),
        }
    }
}

impl From<DecideError> for ApiError {
    fn from(error: DecideError) -> Self {
        match error {
            DecideError::NotFound => not_found("No such submission to a task of yours."),
            DecideError::AlreadyDecided => {
                conflict("already-decided", "This submission was decided already.")
            }
            DecideError::Contention => ApiError::contention(),
            DecideError::Other(e) => e.into(),
        }
    }
}

/// Hands in work for a task, once per task; a slot is reserved while it is pending.
#[utoipa::path(post, path = "/nano/tasks/{id}/submissions", tag = "nano", security(("bearer" = [])),
    request_body = SubmissionBody,
    responses((status = 201, body = Submission), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "task-full, already-submitted or contention"),
        (status = 422, description = "own-task, task-not-open or invalid proof")))]
pub(crate) async fn submit(
    State(state): State<TasksState>,
    worker: Authorized<WorkerOnly>,
    Path(id): Path<Id>,
    Json(body): Json<SubmissionBody>,
) -> Result<(StatusCode, Json<Submission>), ApiError> {
    let proof = body.parse()?;
    let me = &worker.caller().user_id;
    let submission = state
        .store
        .submit(&id, me, proof, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(submission)))
}

/// The submissions of one of the caller's tasks, optionally of one status.
#[utoipa::path(get, path = "/nano/tasks/{id}/submissions", tag = "nano", security(("bearer" = [])),
    params(SubmissionsQuery),
    responses((status = 200, body = Page<Submission>), (status = 400), (status = 401), (status = 403),
        (status = 404)))]
pub(crate) async fn task_submissions(
    State(state): State<TasksState>,
    buyer: Authorized<BuyerOnly>,
    Path(id): Path<Id>,
    Query(query): Query<SubmissionsQuery>,
) -> Result<Json<Page<Submission>>, ApiError> {
    let me = &buyer.caller().user_id;
    match state.store.task(&id).await? {
        Some(task) if &task.buyer_id == me => {}
        _ => return Err(not_found("You have no task with this id.")),
    }
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    let status = query.status.map_or("all", |s| s.as_str());
    let scope = format!("nano-subs:{id}:{status}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let listing = Listing::SubmissionsTo {
        task_id: &id,
        status: query.status,
    };
    let (items, last) = state.store.list(listing, page.limit()?, start).await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// The calling worker's submissions, newest first.
#[utoipa::path(get, path = "/nano/submissions", tag = "nano", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<Submission>), (status = 400), (status = 401), (status = 403)))]
pub(crate) async fn my_submissions(
    State(state): State<TasksState>,
    worker: Authorized<WorkerOnly>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Submission>>, ApiError> {
    let me = &worker.caller().user_id;
    let scope = format!("nano-my-subs:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store
        .list(Listing::SubmissionsOf(me), page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// Approves a pending submission: the worker is paid from the task's escrow and the slot is
/// filled, once, however many approvals race.
#[utoipa::path(post, path = "/nano/tasks/{id}/submissions/{worker_id}/approve", tag = "nano",
    security(("bearer" = [])),
    responses((status = 200, body = Submission), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already-decided or contention")))]
pub(crate) async fn approve(
    State(state): State<TasksState>,
    buyer: Authorized<BuyerOnly>,
    Path((id, worker_id)): Path<(Id, Id)>,
) -> Result<Json<Submission>, ApiError> {
    decide(&state, &buyer.caller().user_id, &id, &worker_id, true).await
}

/// Rejects a pending submission: its slot reopens (on a closed task its coins go back to the
/// buyer), once.
#[utoipa::path(post, path = "/nano/tasks/{id}/submissions/{worker_id}/reject", tag = "nano",
    security(("bearer" = [])),
    responses((status = 200, body = Submission), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already-decided or contention")))]
pub(crate) async fn reject(
    State(state): State<TasksState>,
    buyer: Authorized<BuyerOnly>,
    Path((id, worker_id)): Path<(Id, Id)>,
) -> Result<Json<Submission>, ApiError> {
    decide(&state, &buyer.caller().user_id, &id, &worker_id, false).await
}

async fn decide(
    state: &TasksState,
    buyer_id: &str,
    task_id: &str,
    worker_id: &str,
    approve: bool,
) -> Result<Json<Submission>, ApiError> {
    let now = state.clock.now();
    let submission = state
        .store
        .decide(buyer_id, task_id, worker_id, approve, now)
        .await?;
    // The decision stands whatever happens to its mail.
    let told = state
        .notifier
        .submission_decided(&state.store, &submission, now);
    if let Err(error) = told.await {
        tracing::error!(
            error = format!("{error:#}"),
            task_id,
            "decision not notified"
        );
    }
    Ok(Json(submission))
}

/// The caller's notifications, newest first: decisions on their submissions and withdrawals,
/// and their filled tasks.
#[utoipa::path(get, path = "/nano/notifications", tag = "nano", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<Notification>), (status = 400), (status = 401), (status = 403)))]
pub(crate) async fn notifications(
    State(state): State<TasksState>,
    caller: Authorized<Participant>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Notification>>, ApiError> {
    let me = &caller.caller().user_id;
    let scope = format!("nano-notes:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state.store.notifications(me, page.limit()?, start).await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}
