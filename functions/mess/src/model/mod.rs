//! What the mess table holds (`…Record`), and the views answered (`…View`): never keys, PIN
//! hashes or attempt counters in a view.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// Tokens are valid this long after they are issued.
pub const TOKEN_LIFETIME_DAYS: i64 = 90;

/// A mess, run by one owner.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessRecord {
    pub mess_id: String,
    pub owner_id: String,
    pub name: String,
    pub address: String,
    /// Price of one token in minor units (paise).
    pub price_minor: u64,
    pub currency: String,
    pub join_code: String,
    /// Students who joined (kept by the join transaction).
    #[serde(default)]
    pub students: u64,
    pub created_at: String,
    pub updated_at: String,
}

/// A mess as shown; the join code only to its owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessView {
    pub id: String,
    pub name: String,
    pub address: String,
    pub price_minor: u64,
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub students: Option<u64>,
}

impl MessView {
    pub fn for_owner(mess: &MessRecord) -> Self {
        Self {
            join_code: Some(mess.join_code.clone()),
            students: Some(mess.students),
            ..Self::for_student(mess)
        }
    }

    pub fn for_student(mess: &MessRecord) -> Self {
        Self {
            id: mess.mess_id.clone(),
            name: mess.name.clone(),
            address: mess.address.clone(),
            price_minor: mess.price_minor,
            currency: mess.currency.clone(),
            join_code: None,
            students: None,
        }
    }
}

/// A student: the mess they belong to, their PIN hash and its attempt window.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StudentRecord {
    pub user_id: String,
    pub mess_id: Option<String>,
    pub joined_at: Option<String>,
    pub pin_hash: Option<String>,
    /// The PIN attempt window last opened (`store::students`).
    pub pin_window: Option<i64>,
}

/// One student of a mess, as its owner lists them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberRecord {
    pub user_id: String,
    pub joined_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Created,
    Paid,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Created => "created",
            OrderStatus::Paid => "paid",
        }
    }
}

/// An order of tokens, mirrored by an order at the gateway.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderRecord {
    pub order_id: String,
    pub mess_id: String,
    pub user_id: String,
    pub tokens: u32,
    pub amount_minor: u64,
    pub currency: String,
    pub gateway_order_id: String,
    pub status: OrderStatus,
    pub created_at: String,
    pub paid_at: Option<String>,
    pub payment_id: Option<String>,
    /// When the tokens of this order (one batch) expire; set when it is paid.
    #[serde(default)]
    pub tokens_expire_at: Option<String>,
    /// When the student was reminded that this batch expires soon. Never stored as NULL:
    /// the reminder's mark is `attribute_not_exists(reminded_at)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminded_at: Option<String>,
}

/// An order as its student sees it; `razorpay_order_id` and `razorpay_key_id` open the checkout.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderView {
    pub id: String,
    pub tokens: u32,
    pub amount_minor: u64,
    pub currency: String,
    pub status: OrderStatus,
    pub razorpay_order_id: String,
    pub razorpay_key_id: String,
    pub created_at: String,
    pub paid_at: Option<String>,
    pub payment_id: Option<String>,
}

impl OrderView {
    pub fn new(order: &OrderRecord, key_id: &str) -> Self {
        Self {
            id: order.order_id.clone(),
            tokens: order.tokens,
            amount_minor: order.amount_minor,
            currency: order.currency.clone(),
            status: order.status,
            razorpay_order_id: order.gateway_order_id.clone(),
            razorpay_key_id: key_id.to_owned(),
            created_at: order.created_at.clone(),
            paid_at: order.paid_at.clone(),
            payment_id: order.payment_id.clone(),
        }
    }
}

/// A payment, as the student's history shows it (from the paid order).
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentView {
    pub payment_id: String,
    pub order_id: String,
    pub tokens: u32,
    pub amount_minor: u64,
    pub currency: String,
    pub paid_at: String,
}

impl PaymentView {
    pub fn of(order: &OrderRecord) -> Option<Self> {
        Some(Self {
            payment_id: order.payment_id.clone()?,
            order_id: order.order_id.clone(),
            tokens: order.tokens,
            amount_minor: order.amount_minor,
            currency: order.currency.clone(),
            paid_at: order.paid_at.clone()?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Unredeemed,
    Redeemed,
    /// Shown only: an unredeemed token past its expiry (the table keeps `unredeemed`).
    Expired,
}

/// One meal token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenRecord {
    pub token_id: String,
    pub mess_id: String,
    pub user_id: String,
    pub order_id: String,
    pub issued_at: String,
    pub expires_at: String,
    /// `expires_at` in Unix seconds, for conditions and DynamoDB's (lazy) TTL.
    pub expires_ts: i64,
    pub status: TokenStatus,
    pub redeemed_at: Option<String>,
    pub submission_id: Option<String>,
}

impl TokenRecord {
    /// Unredeemed and not expired at `now`.
    pub fn spendable(&self, now: OffsetDateTime) -> bool {
        self.status == TokenStatus::Unredeemed && self.expires_ts > now.unix_timestamp()
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    pub status: TokenStatus,
    pub issued_at: String,
    pub expires_at: String,
    pub redeemed_at: Option<String>,
}

impl TokenView {
    pub fn new(token: &TokenRecord, now: OffsetDateTime) -> Self {
        let expired = token.status == TokenStatus::Unredeemed && !token.spendable(now);
        Self {
            id: token.token_id.clone(),
            status: if expired {
                TokenStatus::Expired
            } else {
                token.status
            },
            issued_at: token.issued_at.clone(),
            expires_at: token.expires_at.clone(),
            redeemed_at: token.redeemed_at.clone(),
        }
    }
}

mod counter;
pub use counter::{
    BalanceView, DashboardView, NotificationRecord, NotificationView, Period, SubmissionRecord,
    SubmissionView,
};
