//! Buying tokens: an order at Razorpay for N tokens at the mess's price, then the checkout's
//! result verified here (signature over OUR stored gateway order id, then the payment fetched
//! from Razorpay), then the tokens issued once (`store/issuing.rs`).

use axum::extract::State;
use axum::http::StatusCode;
use bazaar_shared::ApiError;
use bazaar_shared::auth::Authorized;
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::mail::{MailJob, MailMessage};
use bazaar_shared::pagination::{Page, PageQuery};
use bazaar_shared::webhook::matches_hex;
use secrecy::ExposeSecret;

use crate::StudentOnly;
use crate::gateway::{GatewayPayment, OrderRequest};
use crate::input::{OrderBody, VerifyBody, is_id};
use crate::mess_tokens::TokensState;
use crate::model::{MessRecord, OrderRecord, OrderStatus, OrderView};
use crate::store::{IssueError, Settled};

pub(crate) type Student = Authorized<StudentOnly>;

impl From<IssueError> for ApiError {
    fn from(error: IssueError) -> Self {
        match error {
            IssueError::Mismatch(why) => ApiError::Unprocessable {
                problem: "payment-mismatch",
                detail: format!("The payment does not pay this order: {why}."),
            },
            IssueError::NotCaptured => ApiError::Unprocessable {
                problem: "payment-not-captured",
                detail: "The payment is not captured yet.".into(),
            },
            IssueError::PaidByOther => ApiError::Conflict {
                problem: "order-already-paid",
                detail: "This order was paid with another payment.".into(),
            },
            IssueError::Contention => ApiError::contention(),
            IssueError::Other(e) => ApiError::Internal(e),
        }
    }
}

/// A student of a mess, as one read of their record gives it.
pub(crate) struct Member {
    pub mess_id: String,
    pub pin_hash: Option<String>,
    pub pin_window: Option<i64>,
}

fn not_member() -> ApiError {
    ApiError::Unprocessable {
        problem: "not-a-member",
        detail: "Join a mess with its join code first.".into(),
    }
}

/// The caller's membership (422 `not-a-member` before they joined a mess): one read.
pub(crate) async fn member_of(state: &TokensState, user_id: &str) -> Result<Member, ApiError> {
    let student = state.store.student(user_id).await?.ok_or_else(not_member)?;
    let mess_id = student.mess_id.ok_or_else(not_member)?;
    Ok(Member {
        mess_id,
        pin_hash: student.pin_hash,
        pin_window: student.pin_window,
    })
}

/// The mess the student belongs to, for its price and currency.
pub(crate) async fn mess_of(state: &TokensState, user_id: &str) -> Result<MessRecord, ApiError> {
    let member = member_of(state, user_id).await?;
    state
        .store
        .mess(&member.mess_id)
        .await?
        .ok_or_else(not_member)
}

/// Pays `order` with a payment Razorpay vouched for, once; the winner mails the receipt.
pub(crate) async fn settle(
    state: &TokensState,
    order: &OrderRecord,
    payment: &GatewayPayment,
) -> Result<OrderRecord, IssueError> {
    match state
        .store
        .settle(order, payment, state.clock.now())
        .await?
    {
        Settled::AlreadyPaid(order) => Ok(order),
        Settled::Issued(order) => {
            receipt(state, &order).await;
            Ok(order)
        }
    }
}

async fn receipt(state: &TokensState, order: &OrderRecord) {
    let email = match state.identity.email_of(&order.user_id).await {
        Ok(Some(email)) => email,
        Ok(None) => return,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), order = %order.order_id, "no address for a receipt");
            return;
        }
    };
    let mail = MailJob::job(
        format!("mess-receipt:{}", order.order_id),
        email,
        MailMessage::Notice {
            subject: format!("Receipt: {} meal token(s)", order.tokens),
            text: format!(
                "We received your payment {} of {} {} (minor units) for {} meal token(s). \
                 They are valid for 90 days. Order reference: {}.",
                order.payment_id.as_deref().unwrap_or_default(),
                order.amount_minor,
                order.currency,
                order.tokens,
                order.order_id
            ),
        },
    );
    // The tokens stand whether or not the receipt could be queued.
    if let Err(error) = state.mail.send(&mail).await {
        tracing::error!(error = format!("{error:#}"), order = %order.order_id, "receipt not queued");
    }
}

/// Orders N tokens (1 to 96) at the mess's price: the amount is computed here, and the order
/// is made at Razorpay first. Answers what the checkout needs.
#[utoipa::path(post, path = "/mess/orders", tag = "mess tokens", security(("bearer" = [])),
    request_body = OrderBody,
    responses((status = 201, body = OrderView), (status = 401), (status = 403),
        (status = 422, description = "invalid tokens or not-a-member"),
        (status = 502, description = "gateway-error"), (status = 503, description = "gateway-unavailable")))]
pub(crate) async fn create_order(
    State(state): State<TokensState>,
    student: Student,
    Json(body): Json<OrderBody>,
) -> Result<(StatusCode, Json<OrderView>), ApiError> {
    let tokens = body.parse()?;
    let user_id = &student.caller().user_id;
    let mess = mess_of(&state, user_id).await?;
    let order_id = uuid::Uuid::now_v7().simple().to_string();
    let amount = mess.price_minor * u64::from(tokens);
    let request = OrderRequest {
        amount,
        currency: mess.currency.clone(),
        receipt: order_id.clone(),
    };
    let made = state.gateway.create_order(&request).await?;
    if made.amount != amount {
        tracing::error!(
            ours = amount,
            theirs = made.amount,
            "Razorpay changed an order's amount"
        );
        return Err(ApiError::BadGateway {
            problem: "gateway-error",
            detail: "The payment provider did not answer as expected; nothing was charged here."
                .into(),
        });
    }
    let order = OrderRecord {
        order_id,
        mess_id: mess.mess_id,
        user_id: user_id.clone(),
        tokens,
        amount_minor: amount,
        currency: mess.currency,
        gateway_order_id: made.id,
        status: OrderStatus::Created,
        created_at: bazaar_shared::dynamo::timestamp(state.clock.now()),
        paid_at: None,
        payment_id: None,
        tokens_expire_at: None,
        reminded_at: None,
    };
    state.store.put_order(&order).await?;
    Ok((
        StatusCode::CREATED,
        Json(OrderView::new(&order, &state.key_id)),
    ))
}

/// The caller's orders, newest first.
#[utoipa::path(get, path = "/mess/orders", tag = "mess tokens", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<OrderView>), (status = 401), (status = 403), (status = 422)))]
pub(crate) async fn my_orders(
    State(state): State<TokensState>,
    student: Student,
    Query(page): Query<PageQuery>,
) -> Result<Json<Page<OrderView>>, ApiError> {
    let me = &student.caller().user_id;
    let mess = member_of(&state, me).await?;
    let scope = format!("mess-orders:{me}");
    let start = state.cursors.decode(&scope, page.cursor.as_deref())?;
    let (orders, last) = state
        .store
        .orders(&mess.mess_id, me, page.limit()?, start)
        .await?;
    Ok(Json(Page {
        items: orders
            .iter()
            .map(|o| OrderView::new(o, &state.key_id))
            .collect(),
        next_cursor: state.cursors.encode(&scope, last.as_ref()),
    }))
}

async fn own_order(state: &TokensState, user_id: &str, id: &str) -> Result<OrderRecord, ApiError> {
    let not_found = || ApiError::not_found("You have no order with this id.");
    if !is_id(id) {
        return Err(not_found());
    }
    let mess = member_of(state, user_id).await?;
    state
        .store
        .order(&mess.mess_id, user_id, id)
        .await?
        .ok_or_else(not_found)
}

/// One of the caller's orders.
#[utoipa::path(get, path = "/mess/orders/{id}", tag = "mess tokens", security(("bearer" = [])),
    responses((status = 200, body = OrderView), (status = 401), (status = 403), (status = 404)))]
pub(crate) async fn my_order(
    State(state): State<TokensState>,
    student: Student,
    Path(id): Path<String>,
) -> Result<Json<OrderView>, ApiError> {
    let order = own_order(&state, &student.caller().user_id, &id).await?;
    Ok(Json(OrderView::new(&order, &state.key_id)))
}

/// Verifies the checkout's result and issues the order's tokens, once: the signature must be
/// Razorpay's over our stored gateway order id and the payment id, and the payment, fetched
/// from Razorpay, must be captured, of this order and of its amount. Safe to call again.
#[utoipa::path(post, path = "/mess/orders/{id}/verify", tag = "mess tokens",
    security(("bearer" = [])), request_body = VerifyBody,
    responses((status = 200, body = OrderView), (status = 400, description = "bad-signature"),
        (status = 401), (status = 403), (status = 404),
        (status = 409, description = "order-already-paid or contention"),
        (status = 422, description = "payment-mismatch, payment-not-captured or invalid fields"),
        (status = 502, description = "gateway-error"), (status = 503, description = "gateway-unavailable")))]
pub(crate) async fn verify(
    State(state): State<TokensState>,
    student: Student,
    Path(id): Path<String>,
    Json(body): Json<VerifyBody>,
) -> Result<Json<OrderView>, ApiError> {
    let body = body.parse()?;
    let order = own_order(&state, &student.caller().user_id, &id).await?;
    let bad_signature =
        || ApiError::bad_request("The payment signature does not match this order.");
    if body.razorpay_order_id != order.gateway_order_id {
        return Err(bad_signature());
    }
    let signed = [
        order.gateway_order_id.as_bytes(),
        b"|",
        body.razorpay_payment_id.as_bytes(),
    ];
    if !matches_hex(
        state.key_secret.expose_secret().as_bytes(),
        &signed,
        &body.razorpay_signature,
    ) {
        return Err(bad_signature());
    }
    // Settled by this very payment already (a retry, the webhook first): nothing to ask
    // Razorpay, whose quota every mess shares.
    if order.status == OrderStatus::Paid
        && order.payment_id.as_deref() == Some(body.razorpay_payment_id.as_str())
    {
        return Ok(Json(OrderView::new(&order, &state.key_id)));
    }
    let payment = state.gateway.payment(&body.razorpay_payment_id).await?;
    let order = settle(&state, &order, &payment).await?;
    Ok(Json(OrderView::new(&order, &state.key_id)))
}
