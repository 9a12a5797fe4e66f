//! An owner's view of their mess: dashboard, submissions, notifications and students. Every
//! route first checks the mess is the caller's: another mess is not found, whatever its id.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Authorized;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};

use crate::OwnerOnly;
use crate::messes::MessesState;
use crate::model::{DashboardView, MemberRecord, MessRecord, NotificationView, SubmissionView};

type Owner = Authorized<OwnerOnly>;

async fn owned(state: &MessesState, owner: &Owner, mess_id: &str) -> Result<MessRecord, ApiError> {
    Ok(state
        .store
        .owned_mess(&owner.caller().user_id, mess_id)
        .await?)
}

/// Tokens sold and redeemed and revenue, today and this month (UTC), and the students.
#[utoipa::path(get, path = "/mess/messes/{id}/dashboard", tag = "mess owners",
    security(("bearer" = [])),
    responses((status = 200, body = DashboardView), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn dashboard(
    State(state): State<MessesState>,
    owner: Owner,
    Path(id): Path<String>,
) -> Result<Json<DashboardView>, ApiError> {
    let mess = owned(&state, &owner, &id).await?;
    let (today, this_month) = state.store.figures(&id, state.clock.now()).await?;
    Ok(Json(DashboardView {
        today,
        this_month,
        students: mess.students,
        currency: mess.currency,
    }))
}

/// The mess's submissions, newest first.
#[utoipa::path(get, path = "/mess/messes/{id}/submissions", tag = "mess owners",
    security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<SubmissionView>), (status = 401), (status = 403),
        (status = 404)))]
pub(crate) async fn submissions(
    State(state): State<MessesState>,
    owner: Owner,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<SubmissionView>>, ApiError> {
    owned(&state, &owner, &id).await?;
    let scope = format!("mess-submissions:{id}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state.store.submissions(&id, page.limit()?, start).await?;
    Ok(Json(Page {
        items: items.iter().map(SubmissionView::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// The mess's notifications, newest first.
#[utoipa::path(get, path = "/mess/messes/{id}/notifications", tag = "mess owners",
    security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<NotificationView>), (status = 401), (status = 403),
        (status = 404)))]
pub(crate) async fn notifications(
    State(state): State<MessesState>,
    owner: Owner,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<NotificationView>>, ApiError> {
    owned(&state, &owner, &id).await?;
    let scope = format!("mess-notifications:{id}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state.store.notifications(&id, page.limit()?, start).await?;
    Ok(Json(Page {
        items: items.iter().map(NotificationView::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// Marks one notification read.
#[utoipa::path(post, path = "/mess/messes/{id}/notifications/{note}/read", tag = "mess owners",
    security(("bearer" = [])),
    responses((status = 200, body = NotificationView), (status = 401), (status = 403),
        (status = 404)))]
pub(crate) async fn mark_read(
    State(state): State<MessesState>,
    owner: Owner,
    Path((id, note)): Path<(String, String)>,
) -> Result<Json<NotificationView>, ApiError> {
    owned(&state, &owner, &id).await?;
    let not_found = || ApiError::not_found("No such notification.");
    if !crate::input::is_id(&note) {
        return Err(not_found());
    }
    let marked = state
        .store
        .mark_read(&id, &note)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(NotificationView::from(&marked)))
}

/// The mess's students, by user id.
#[utoipa::path(get, path = "/mess/messes/{id}/students", tag = "mess owners",
    security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<MemberRecord>), (status = 401), (status = 403),
        (status = 404)))]
pub(crate) async fn students(
    State(state): State<MessesState>,
    owner: Owner,
    Path(id): Path<String>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<MemberRecord>>, ApiError> {
    owned(&state, &owner, &id).await?;
    let scope = format!("mess-students:{id}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (items, last) = state.store.members(&id, page.limit()?, start).await?;
    Ok(Json(Page {
        items,
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}
