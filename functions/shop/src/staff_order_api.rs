//! Staff's order routes: orders by status, any order, and the lifecycle moves.

use axum::extract::State;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Authorized;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::input::MoveBody;
use crate::model::{OrderStatus, OrderView};
use crate::order_api::mail_customer;
use crate::orders::OrdersState;
use crate::store::{MoveError, OrderListing};
use crate::{StaffOnly, path_id};

type Staff = Authorized<StaffOnly>;

impl From<MoveError> for ApiError {
    fn from(error: MoveError) -> Self {
        match error {
            MoveError::NotFound => ApiError::not_found("No such order."),
            MoveError::Refused { from, to } => ApiError::Conflict {
                problem: "invalid-transition",
                detail: format!(
                    "An order that is {} cannot become {}.",
                    from.as_str(),
                    to.as_str()
                ),
            },
            MoveError::Contention => ApiError::contention(),
            MoveError::Other(e) => ApiError::Internal(e),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusParams {
    /// `pending` (the default), `confirmed`, `shipped`, `delivered` or `cancelled`.
    status: Option<OrderStatus>,
    limit: Option<u16>,
    cursor: Option<String>,
}

/// Orders now in a status, newest first.
#[utoipa::path(get, path = "/shop/staff/orders", tag = "shop", security(("bearer" = [])),
    params(StatusParams),
    responses((status = 200, body = Page<OrderView>), (status = 400), (status = 401), (status = 403)))]
pub(crate) async fn orders_by_status(
    State(state): State<OrdersState>,
    _staff: Staff,
    Query(params): Query<StatusParams>,
) -> Result<Json<Page<OrderView>>, ApiError> {
    let status = params.status.unwrap_or(OrderStatus::Pending);
    let page = PageQuery {
        limit: params.limit,
        cursor: params.cursor,
    };
    let scope = format!("shop-staff-orders:{}", status.as_str());
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let listing = OrderListing::Status(status);
    let (orders, last) = state
        .store
        .orders_page(listing, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: orders.iter().map(OrderView::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// Any order.
#[utoipa::path(get, path = "/shop/staff/orders/{id}", tag = "shop", security(("bearer" = [])),
    responses((status = 200, body = OrderView), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn staff_order(
    State(state): State<OrdersState>,
    _staff: Staff,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    let id = path_id(&id, "order")?;
    let order = state.store.order(&id).await?.ok_or(MoveError::NotFound)?;
    Ok(Json((&order).into()))
}

/// Moves an order: `pending → confirmed → shipped → delivered`, or `cancelled` before
/// delivery (its stock comes back in the same transaction). The customer is mailed.
#[utoipa::path(post, path = "/shop/staff/orders/{id}/status", tag = "shop", security(("bearer" = [])),
    request_body = MoveBody,
    responses((status = 200, body = OrderView), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "invalid-transition or contention"), (status = 422)))]
pub(crate) async fn move_order(
    State(state): State<OrdersState>,
    _staff: Staff,
    Path(id): Path<String>,
    Json(body): Json<MoveBody>,
) -> Result<Json<OrderView>, ApiError> {
    let id = path_id(&id, "order")?;
    let order = state
        .store
        .move_order(&id, body.to.into(), state.clock.now())
        .await?;
    mail_customer(&state, &order, None).await;
    Ok(Json((&order).into()))
}
