//! `/draws`: admins upload official winning lists; anyone lists and reads draws and looks up
//! whether a number won.

use anyhow::Context;
use aws_sdk_s3::primitives::ByteStream;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::get;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{AdminOnly, Authorized};
use bazaar_shared::error::FieldError;
use bazaar_shared::extract::{Json, Path, Query, RawBody};
use bazaar_shared::jobs::Job;
use bazaar_shared::pagination::{Page, PageQuery};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::BondsState;
use crate::model::parse_number;
use crate::parse::Tier;
use crate::store::{DrawItem, DrawStatus};
use crate::views::Draw;
use crate::worker::DrawJob;

/// A list of 1,605 numbers is about 12 KiB; 256 KiB leaves room for any real layout.
pub const DRAW_MAX_BYTES: usize = 256 * 1024;

pub fn routes() -> Router<BondsState> {
    Router::new()
        .route(
            "/draws",
            get(list_draws)
                .post(upload_draw)
                .layer(DefaultBodyLimit::max(DRAW_MAX_BYTES)),
        )
        .route("/draws/{id}", get(get_draw).delete(delete_draw))
        .route("/draws/{id}/numbers/{number}", get(lookup_number))
}

#[derive(OpenApi)]
#[openapi(paths(upload_draw, list_draws, get_draw, delete_draw, lookup_number))]
pub struct DrawsApiDoc;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Uploads an official winning list (plain text, ≤ 256 KiB). The draw is created `pending` and
/// processed in the background; poll `GET /draws/{id}` for `done` or `failed`.
#[utoipa::path(post, path = "/draws", tag = "draws", security(("bearer" = [])),
    request_body(content = String, content_type = "text/plain"),
    responses((status = 202, body = Draw), (status = 401), (status = 403), (status = 409, description = "The same file was uploaded before"),
        (status = 413, description = "Over 256 KiB"), (status = 415, description = "Not text"), (status = 422, description = "Empty")))]
async fn upload_draw(
    State(state): State<BondsState>,
    admin: Authorized<AdminOnly>,
    RawBody(bytes): RawBody,
) -> Result<(StatusCode, Json<Draw>), ApiError> {
    let (bucket, queue) = state
        .uploads
        .as_ref()
        .context("UPLOADS_BUCKET and DRAW_QUEUE_URL are not configured")?;
    if std::str::from_utf8(&bytes).is_err() || bytes.contains(&0) {
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
    let sha = hex(&Sha256::digest(&bytes));
    let draw_id = uuid::Uuid::now_v7().to_string();
    let key = format!("draws/{draw_id}.txt");
    state
        .s3
        .put_object()
        .bucket(bucket)
        .key(&key)
        .content_type("text/plain; charset=utf-8")
        .body(ByteStream::from(bytes))
        .send()
        .await
        .context("storing an uploaded list")?;
    let draw = DrawItem::pending(&draw_id, &key, &sha, &admin.caller().user_id);
    if let Err(existing) = state.store().create_draw(&draw).await? {
        let _ = state
            .s3
            .delete_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await;
        return Err(ApiError::Conflict {
            problem: "duplicate-list",
            detail: format!("This file was uploaded before, as draw {existing}."),
        });
    }
    let job = Job::with_id(format!("draw:{draw_id}"), DrawJob { draw_id });
    if let Err(error) = queue.send(&job).await {
        state
            .store()
            .fail_draw(
                &draw,
                "the list could not be queued for processing; upload it again",
            )
            .await?;
        return Err(error.into());
    }
    Ok((StatusCode::ACCEPTED, Json(draw.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DrawFilter {
    denomination: Option<u32>,
    /// Draws of this year (`2026`).
    year: Option<u16>,
    /// With `year`: draws of this month (1–12).
    month: Option<u8>,
    limit: Option<u16>,
    cursor: Option<String>,
}

/// Processed draws, newest first, by denomination, year and month.
#[utoipa::path(get, path = "/draws", tag = "draws", params(DrawFilter),
    responses((status = 200, body = Page<Draw>), (status = 422)))]
async fn list_draws(
    State(state): State<BondsState>,
    Query(filter): Query<DrawFilter>,
) -> Result<Json<Page<Draw>>, ApiError> {
    let period = match (filter.year, filter.month) {
        (None, None) => None,
        (Some(y), None) if (1000..=9999).contains(&y) => Some(format!("{y}-")),
        (Some(y), Some(m)) if (1000..=9999).contains(&y) && (1..=12).contains(&m) => {
            Some(format!("{y}-{m:02}-"))
        }
        _ => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "month",
                "give a 4-digit year, and optionally a month 1–12 with it",
            )]));
        }
    };
    let page = PageQuery {
        limit: filter.limit,
        cursor: filter.cursor,
    };
    let scope = format!("draws:{:?}:{:?}", filter.denomination, period);
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state
        .store()
        .list_draws(filter.denomination, period.as_deref(), page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: items.into_iter().map(Draw::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

async fn existing(state: &BondsState, id: &str) -> Result<DrawItem, ApiError> {
    state
        .store()
        .draw(id)
        .await?
        .ok_or_else(|| ApiError::not_found("No such draw."))
}

/// One draw, in any status.
#[utoipa::path(get, path = "/draws/{id}", tag = "draws", responses((status = 200, body = Draw), (status = 404)))]
async fn get_draw(
    State(state): State<BondsState>,
    Path(id): Path<String>,
) -> Result<Json<Draw>, ApiError> {
    Ok(Json(existing(&state, &id).await?.into()))
}

/// A draw still pending this long after its upload has used up its queue's retries (3 receives
/// × the 30-minute visibility timeout): no worker will touch it again, so it may be deleted
/// along with whatever a failing worker left of it.
const STUCK_AFTER: time::Duration = time::Duration::hours(2);

fn stuck(draw: &DrawItem) -> bool {
    time::OffsetDateTime::parse(
        &draw.uploaded_at,
        &time::format_description::well_known::Rfc3339,
    )
    .is_ok_and(|at| time::OffsetDateTime::now_utc() - at > STUCK_AFTER)
}

/// Deletes a draw with its numbers and wins. A draw still being processed cannot be deleted
/// (unless it is stuck: pending for over two hours).
#[utoipa::path(delete, path = "/draws/{id}", tag = "draws", security(("bearer" = [])),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409, description = "Still processing")))]
async fn delete_draw(
    State(state): State<BondsState>,
    _admin: Authorized<AdminOnly>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let draw = existing(&state, &id).await?;
    if draw.status == DrawStatus::Pending && !stuck(&draw) {
        return Err(ApiError::Conflict {
            problem: "draw-processing",
            detail: "The draw is still being processed; try again in a minute.".into(),
        });
    }
    state.store().delete_draw(&draw).await?;
    if let Some((bucket, _)) = &state.uploads
        && let Err(error) = state
            .s3
            .delete_object()
            .bucket(bucket)
            .key(&draw.file_key)
            .send()
            .await
    {
        tracing::warn!(%error, key = %draw.file_key, "uploaded list not deleted");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Whether a number won in a draw.
#[derive(Debug, Serialize, ToSchema)]
pub struct Lookup {
    pub draw_id: String,
    pub number: String,
    pub won: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
}

/// Looks up whether a 6-digit number won in a processed draw.
#[utoipa::path(get, path = "/draws/{id}/numbers/{number}", tag = "draws",
    responses((status = 200, body = Lookup), (status = 404), (status = 409, description = "Not processed"), (status = 422)))]
async fn lookup_number(
    State(state): State<BondsState>,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<Lookup>, ApiError> {
    let number = parse_number("number", &number).map_err(|e| ApiError::Validation(vec![e]))?;
    let draw = existing(&state, &id).await?;
    if draw.status != DrawStatus::Done {
        return Err(ApiError::Conflict {
            problem: "draw-not-done",
            detail: "The draw has no stored numbers (still processing, or failed).".into(),
        });
    }
    let entry = state.store().number(&id, &number).await?;
    Ok(Json(Lookup {
        draw_id: id,
        number,
        won: entry.is_some(),
        tier: entry.as_ref().map(|e| e.tier),
        amount: entry.map(|e| e.amount),
    }))
}
