//! A task's optional image: its buyer uploads it (raw bytes), whoever may see the task is sent
//! to a short-lived link.

use axum::extract::State;
use axum::response::Redirect;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Authorized, Role};
use bazaar_shared::extract::{Json, Path, RawBody};

use crate::input::Id;
use crate::model::{Task, TaskStatus};
use crate::nano_tasks::TasksState;
use crate::problem::not_found;
use crate::store::EditError;
use crate::{BuyerOnly, Participant};

/// Sets the image of one of the caller's open tasks (JPEG, PNG or WebP, at most 2 MB).
#[utoipa::path(put, path = "/nano/tasks/{id}/image", tag = "nano", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, body = Task), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "task-closed"), (status = 413, description = "Over 2 MB"),
        (status = 415, description = "Not JPEG, PNG or WebP")))]
pub(crate) async fn put_image(
    State(state): State<TasksState>,
    buyer: Authorized<BuyerOnly>,
    Path(id): Path<Id>,
    RawBody(bytes): RawBody,
) -> Result<Json<Task>, ApiError> {
    let me = &buyer.caller().user_id;
    // Nothing is stored for a task that is not the caller's.
    match state.store.task(&id).await? {
        Some(task) if &task.buyer_id == me => {}
        _ => return Err(EditError::NotFound.into()),
    }
    let key = state.images.put(&id, bytes).await?;
    let now = state.clock.now();
    match state.store.set_image(me, &id, &key, now).await {
        Ok(previous) => {
            if let Some(previous) = previous.filter(|p| *p != key) {
                state.images.discard(&previous).await;
            }
        }
        Err(error) => {
            state.images.discard(&key).await;
            return Err(error.into());
        }
    }
    let task = state.store.task(&id).await?.ok_or(EditError::NotFound)?;
    Ok(Json(task))
}

/// Redirects (307) to a 5-minute link to the task's image, for whoever may see the task.
#[utoipa::path(get, path = "/nano/tasks/{id}/image", tag = "nano", security(("bearer" = [])),
    responses((status = 307, description = "To the image"), (status = 401), (status = 403),
        (status = 404)))]
pub(crate) async fn image(
    State(state): State<TasksState>,
    caller: Authorized<Participant>,
    Path(id): Path<Id>,
) -> Result<Redirect, ApiError> {
    let caller = caller.caller();
    let task = state.store.task(&id).await?;
    let visible = |t: &Task| {
        t.buyer_id == caller.user_id
            || caller.has(Role::Admin)
            || (caller.has(Role::Worker) && t.status == TaskStatus::Open)
    };
    let key = match task {
        Some(task) if visible(&task) => task.image_key,
        _ => None,
    };
    let key = key.ok_or_else(|| not_found("This task has no image."))?;
    Ok(Redirect::temporary(&state.images.link(&key).await?))
}
