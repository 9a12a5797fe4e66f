//! Admins' side of `/draws`: upload a winning list, delete a draw.

use anyhow::Context;
use aws_sdk_s3::primitives::ByteStream;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{AdminOnly, Authorized};
use bazaar_shared::extract::{Json, Path, RawBody};
use bazaar_shared::jobs::Job;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::DrawsState;
use crate::draws_worker::DrawJob;
use crate::model::{DrawRecord, DrawStatus};
use crate::store::DrawChangeError;
use crate::views::Draw;

/// A draw still pending this long after its upload has used up its queue's retries (3 receives
/// × the 30-minute visibility timeout): no worker will touch it again, so it may be deleted
/// along with whatever a failing worker left of it.
const STUCK_AFTER: time::Duration = time::Duration::hours(2);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The upload as a list's text: UTF-8 without NULs (415 otherwise), not blank (422).
fn checked_text(bytes: &Bytes) -> Result<(), ApiError> {
    if std::str::from_utf8(bytes).is_err() || bytes.contains(&0) {
        return Err(ApiError::UnsupportedMediaType(
            "Send the winning list as plain UTF-8 text.".into(),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::Unprocessable {
            problem: "empty-list",
            detail: "The winning list is empty.".into(),
        });
    }
    Ok(())
}

fn stuck(draw: &DrawRecord, now: OffsetDateTime) -> bool {
    OffsetDateTime::parse(&draw.uploaded_at, &Rfc3339).is_ok_and(|at| now - at > STUCK_AFTER)
}

impl DrawsState {
    /// Removes an uploaded file; a leftover file is harmless, so a failure is only logged.
    async fn forget_file(&self, key: &str) {
        let deleted = self
            .s3
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        if let Err(error) = deleted {
            tracing::warn!(%error, key, "uploaded list not deleted");
        }
    }
}

/// Uploads an official winning list (plain text, ≤ 256 KiB). The draw is created `pending` and
/// processed in the background; poll `GET /draws/{id}` for `done` or `failed`.
#[utoipa::path(post, path = "/draws", tag = "draws", security(("bearer" = [])),
    request_body(content = String, content_type = "text/plain"),
    responses((status = 202, body = Draw), (status = 401), (status = 403),
        (status = 409, description = "The same file was uploaded before"),
        (status = 413, description = "Over 256 KiB"), (status = 415, description = "Not text"), (status = 422, description = "Empty")))]
pub(super) async fn upload_draw(
    State(state): State<DrawsState>,
    admin: Authorized<AdminOnly>,
    RawBody(bytes): RawBody,
) -> Result<(StatusCode, Json<Draw>), ApiError> {
    checked_text(&bytes)?;
    let sha = hex(&Sha256::digest(&bytes));
    let draw_id = uuid::Uuid::now_v7().to_string();
    let key = format!("draws/{draw_id}.txt");
    state
        .s3
        .put_object()
        .bucket(&state.bucket)
        .key(&key)
        .content_type("text/plain; charset=utf-8")
        .body(ByteStream::from(bytes))
        .send()
        .await
        .context("storing an uploaded list")?;
    let now = state.clock.now();
    let draw = DrawRecord::pending(&draw_id, &key, &sha, &admin.caller().user_id, now);
    if let Err(error) = state.store.create_draw(&draw).await {
        state.forget_file(&key).await;
        return Err(error.into());
    }
    let job = Job::with_id(format!("draw:{draw_id}"), DrawJob { draw_id });
    if let Err(error) = state.draw_queue.send(&job).await {
        let reason = "the list could not be queued for processing; upload it again";
        match state.store.fail_draw(&draw, reason, now).await {
            Ok(()) | Err(DrawChangeError::NotPending) => {}
            Err(DrawChangeError::Other(e)) => return Err(e.into()),
        }
        return Err(error.into());
    }
    Ok((StatusCode::ACCEPTED, Json(draw.into())))
}

/// Deletes a draw with its numbers and wins. A draw still being processed cannot be deleted
/// (unless it is stuck: pending for over two hours).
#[utoipa::path(delete, path = "/draws/{id}", tag = "draws", security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409, description = "Still processing")))]
pub(super) async fn delete_draw(
    State(state): State<DrawsState>,
    _admin: Authorized<AdminOnly>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let draw = state.existing(&id).await?;
    if draw.status == DrawStatus::Pending && !stuck(&draw, state.clock.now()) {
        return Err(ApiError::Conflict {
            problem: "draw-processing",
            detail: "The draw is still being processed; try again in a minute.".into(),
        });
    }
    state.store.delete_draw(&draw).await?;
    state.forget_file(&draw.file_key).await;
    Ok(StatusCode::NO_CONTENT)
}
