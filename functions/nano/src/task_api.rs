//! Buyers' tasks and the open tasks workers choose from. A task someone may not see is simply
//! not found.

use axum::extract::State;
use axum::response::Response;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Authorized, Role};
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use bazaar_shared::replay::{self, IdempotencyKey};

use crate::input::{Id, TaskBody, TaskChangesBody};
use crate::model::{Task, TaskStatus};
use crate::nano_tasks::TasksState;
use crate::problem::{conflict, created, not_found};
use crate::store::{CloseError, EditError, Listing, PostError};
use crate::{BuyerOnly, Participant, WorkerOnly};

impl From<PostError> for ApiError {
    fn from(error: PostError) -> Self {
        match error {
            PostError::InsufficientCoins { needed } => ApiError::PaymentRequired {
                problem: "insufficient-coins",
                detail: format!("This task needs {needed} coins in escrow; buy coins first."),
            },
            PostError::Contention => ApiError::contention(),
            PostError::Other(e) => e.into(),
        }
    }
}

impl From<EditError> for ApiError {
    fn from(error: EditError) -> Self {
        match error {
            EditError::NotFound => not_found("You have no task with this id."),
            EditError::Closed => conflict("task-closed", "A closed task cannot be changed."),
            EditError::Other(e) => e.into(),
        }
    }
}

impl From<CloseError> for ApiError {
    fn from(error: CloseError) -> Self {
        match error {
            CloseError::NotFound => not_found("No such task."),
            CloseError::AlreadyClosed => conflict("already-closed", "This task is closed already."),
            CloseError::Contention => ApiError::contention(),
            CloseError::Other(e) => e.into(),
        }
    }
}

/// Posts a task: `required_workers × coins_per_worker` coins leave the balance into the task's
/// escrow in the same transaction. 402 `insufficient-coins` when the balance is short. With
/// an `Idempotency-Key` a retried request gets the first answer instead of a second task.
#[utoipa::path(post, path = "/nano/tasks", tag = "nano", security(("bearer" = [])),
    request_body = TaskBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = Task), (status = 401), (status = 402, description = "insufficient-coins"),
        (status = 403), (status = 409, description = "contention or request-in-progress"),
        (status = 422, description = "invalid fields or idempotency-key-reused")))]
pub(crate) async fn post_task(
    State(state): State<TasksState>,
    buyer: Authorized<BuyerOnly>,
    key: IdempotencyKey,
    Json(body): Json<TaskBody>,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let new = body.parse(now)?;
    let me = &buyer.caller().user_id;
    let (required, coins) = (new.required.to_string(), new.coins.to_string());
    let due = new.complete_by.unix_timestamp().to_string();
    let fingerprint = replay::fingerprint(&[
        "task",
        &new.title,
        &new.detail,
        &new.instructions,
        &required,
        &coins,
        &due,
    ]);
    let scope = format!("nano:task:{me}");
    let response = replay::once(&state.replays, &scope, &key, fingerprint, || async {
        let posted = state.store.post_task(me, new, now).await;
        created(posted.map_err(ApiError::from))
    })
    .await?;
    Ok(response)
}

/// Tasks the calling worker can take: open, with slots left, not past their date, not their
/// own; soonest due first. A page may hold fewer items than `limit` and still have a cursor.
#[utoipa::path(get, path = "/nano/tasks", tag = "nano", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<Task>), (status = 400), (status = 401), (status = 403)))]
pub(crate) async fn open_tasks(
    State(state): State<TasksState>,
    worker: Authorized<WorkerOnly>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Task>>, ApiError> {
    let me = &worker.caller().user_id;
    let scope = format!("nano-open:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let listing = Listing::OpenTasks {
        worker_id: me,
        now: state.clock.now(),
    };
    let (items, last) = state.store.list(listing, page.limit()?, start).await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// The calling buyer's tasks, newest first.
#[utoipa::path(get, path = "/nano/tasks/mine", tag = "nano", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<Task>), (status = 400), (status = 401), (status = 403)))]
pub(crate) async fn my_tasks(
    State(state): State<TasksState>,
    buyer: Authorized<BuyerOnly>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<Task>>, ApiError> {
    let me = &buyer.caller().user_id;
    let scope = format!("nano-mine:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store
        .list(Listing::TasksOf(me), page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// One task: its buyer and admins always see it, workers while it is open.
#[utoipa::path(get, path = "/nano/tasks/{id}", tag = "nano", security(("bearer" = [])),
    responses((status = 200, body = Task), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn get_task(
    State(state): State<TasksState>,
    caller: Authorized<Participant>,
    Path(id): Path<Id>,
) -> Result<Json<Task>, ApiError> {
    let caller = caller.caller();
    let task = state.store.task(&id).await?;
    let visible = |t: &Task| {
        t.buyer_id == caller.user_id
            || caller.has(Role::Admin)
            || (caller.has(Role::Worker) && t.status == TaskStatus::Open)
    };
    match task {
        Some(task) if visible(&task) => Ok(Json(task)),
        _ => Err(not_found("No such task.")),
    }
}

/// Changes the title, detail or instructions of one of the caller's open tasks; nothing else
/// of a task can be changed.
#[utoipa::path(patch, path = "/nano/tasks/{id}", tag = "nano", security(("bearer" = [])),
    request_body = TaskChangesBody,
    responses((status = 200, body = Task), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "task-closed"), (status = 422)))]
pub(crate) async fn edit_task(
    State(state): State<TasksState>,
    buyer: Authorized<BuyerOnly>,
    Path(id): Path<Id>,
    Json(body): Json<TaskChangesBody>,
) -> Result<Json<Task>, ApiError> {
    let edit = body.parse()?;
    let me = &buyer.caller().user_id;
    Ok(Json(
        state
            .store
            .edit_task(me, &id, edit, state.clock.now())
            .await?,
    ))
}

/// Closes one of the caller's tasks: its unfilled slots' coins come back once; pending
/// submissions keep theirs in escrow until decided.
#[utoipa::path(delete, path = "/nano/tasks/{id}", tag = "nano", security(("bearer" = [])),
    responses((status = 200, body = Task), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already-closed or contention")))]
pub(crate) async fn close_task(
    State(state): State<TasksState>,
    buyer: Authorized<BuyerOnly>,
    Path(id): Path<Id>,
) -> Result<Json<Task>, ApiError> {
    let me = buyer.caller().user_id.as_str();
    Ok(Json(
        state
            .store
            .close_task(&id, Some(me), state.clock.now())
            .await?,
    ))
}
