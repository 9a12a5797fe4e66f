//! Customers' routes: check out (optionally with an `Idempotency-Key`), list, read and cancel
//! their own orders. Another customer's order is simply not found.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bazaar_shared::ApiError;
use bazaar_shared::auth::{Authorized, Caller};
use bazaar_shared::error::FieldError;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::pagination::{Page, PageQuery};
use bazaar_shared::replay::{self, IdempotencyKey};

use crate::input::{LineRequest, OrderBody};
use crate::model::{OrderRecord, OrderView};
use crate::notices::order_mail;
use crate::orders::OrdersState;
use crate::pricing::price_lines;
use crate::store::{MoveError, OrderError, OrderListing};
use crate::{CustomerOnly, path_id};

type Customer = Authorized<CustomerOnly>;

impl From<OrderError> for ApiError {
    fn from(error: OrderError) -> Self {
        match error {
            OrderError::Unavailable { product_id } => ApiError::Unprocessable {
                problem: "product-unavailable",
                detail: format!("Product {product_id} does not exist or is no longer sold."),
            },
            OrderError::MixedCurrency => ApiError::Unprocessable {
                problem: "mixed-currency",
                detail: "An order is paid in one currency; these products are priced in several."
                    .into(),
            },
            OrderError::PriceChanged {
                product_id,
                price_minor,
            } => ApiError::Conflict {
                problem: "price-changed",
                detail: format!("The price of product {product_id} is now {price_minor}."),
            },
            OrderError::OutOfStock {
                line,
                product_id,
                available,
            } => {
                let mut members = serde_json::Map::new();
                members.insert("product_id".into(), product_id.clone().into());
                members.insert("available".into(), available.into());
                let message = format!("only {available} left");
                ApiError::ConflictWith {
                    problem: "out-of-stock",
                    detail: format!("Only {available} of product {product_id} left."),
                    members,
                    errors: vec![FieldError::new(format!("lines[{line}].quantity"), message)],
                }
            }
            OrderError::Contention => ApiError::contention(),
            OrderError::Other(e) => ApiError::Internal(e),
        }
    }
}

/// Queues the customer's mail for the status the order just reached. The order stands
/// whether or not its mail could be queued.
pub(crate) async fn mail_customer(state: &OrdersState, order: &OrderRecord, email: Option<String>) {
    let email = match email {
        Some(email) => Some(email),
        None => state
            .identity
            .email_of(&order.customer_id)
            .await
            .unwrap_or_else(|error| {
                tracing::error!(error = format!("{error:#}"), "no address for an order mail");
                None
            }),
    };
    let Some(email) = email else { return };
    if let Err(error) = state.mail.send(&order_mail(order, &email)).await {
        tracing::error!(error = format!("{error:#}"), order = %order.order_id, "order mail not queued");
    }
}

async fn checkout(
    state: &OrdersState,
    caller: &Caller,
    lines: &[LineRequest],
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    let user_id = caller.user_id.as_str();
    let email = state.identity.email_of_caller(caller).await?;
    let ids: Vec<String> = lines.iter().map(|l| l.product_id.clone()).collect();
    let products = state.store.products(&ids).await?;
    let (priced, currency) = match price_lines(lines, &products) {
        Ok(priced) => priced,
        Err(error) => return Err(error.into()),
    };
    let placed = state
        .store
        .place_order(user_id, priced, &currency, state.clock.now())
        .await;
    match placed {
        Ok(order) => {
            mail_customer(state, &order, Some(email)).await;
            let body =
                serde_json::to_value(OrderView::from(&order)).map_err(anyhow::Error::from)?;
            Ok((StatusCode::CREATED, body))
        }
        Err(error) => Err(error.into()),
    }
}

/// Places an order of 1 to 25 lines, priced by the server, in one transaction. With an
/// `Idempotency-Key` header a retried checkout gets the first answer.
#[utoipa::path(post, path = "/shop/orders", tag = "shop", security(("bearer" = [])),
    request_body = OrderBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = OrderView), (status = 401), (status = 403),
        (status = 409, description = "out-of-stock (with product_id and available), price-changed, contention or request-in-progress"),
        (status = 422, description = "Invalid lines, product-unavailable, mixed-currency or idempotency-key-reused")))]
pub(crate) async fn place_order(
    State(state): State<OrdersState>,
    customer: Customer,
    key: IdempotencyKey,
    Json(body): Json<OrderBody>,
) -> Result<Response, ApiError> {
    let lines = body.parse()?;
    let user_id = customer.caller().user_id.clone();
    let request = serde_json::to_string(&lines).map_err(anyhow::Error::from)?;
    let fingerprint = replay::fingerprint(&["place-order", &request]);
    let scope = format!("shop:order:{user_id}");
    replay::once(&state.replays, &scope, &key, fingerprint, || {
        checkout(&state, customer.caller(), &lines)
    })
    .await
}

/// The caller's orders, newest first.
#[utoipa::path(get, path = "/shop/orders", tag = "shop", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<OrderView>), (status = 401), (status = 403)))]
pub(crate) async fn my_orders(
    State(state): State<OrdersState>,
    customer: Customer,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<OrderView>>, ApiError> {
    let me = &customer.caller().user_id;
    let scope = format!("shop-orders:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let listing = OrderListing::Customer(me);
    let (orders, last) = state
        .store
        .orders_page(listing, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: orders.iter().map(OrderView::from).collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

/// One of the caller's orders.
#[utoipa::path(get, path = "/shop/orders/{id}", tag = "shop", security(("bearer" = [])),
    responses((status = 200, body = OrderView), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn my_order(
    State(state): State<OrdersState>,
    customer: Customer,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    let id = path_id(&id, "order")?;
    match state.store.order(&id).await? {
        Some(order) if order.customer_id == customer.caller().user_id => Ok(Json((&order).into())),
        _ => Err(ApiError::not_found("You have no order with this id.")),
    }
}

/// Cancels one of the caller's orders before it ships; its stock comes back, once.
#[utoipa::path(post, path = "/shop/orders/{id}/cancel", tag = "shop", security(("bearer" = [])),
    responses((status = 200, body = OrderView), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "not-cancellable or contention")))]
pub(crate) async fn cancel_order(
    State(state): State<OrdersState>,
    customer: Customer,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    let id = path_id(&id, "order")?;
    let me = &customer.caller().user_id;
    let cancelled = state.store.cancel_order(me, &id, state.clock.now()).await;
    let order = cancelled.map_err(|error| match error {
        MoveError::NotFound => ApiError::not_found("You have no order with this id."),
        MoveError::Refused { from, .. } => ApiError::Conflict {
            problem: "not-cancellable",
            detail: format!(
                "The order is {}; only a pending or confirmed order can be cancelled.",
                from.as_str()
            ),
        },
        error => error.into(),
    })?;
    mail_customer(&state, &order, None).await;
    Ok(Json((&order).into()))
}
