//! What the shop table holds, and the answers built from it.
//!
//! Money is in minor units (cents, paise) with an ISO 4217 currency: never floating point.
//! Stock is only ever changed by conditional arithmetic (checkout, cancellation) or by a staff
//! member setting it outright; never by a customer's request.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A product item (`PRODUCT#<id>` / `PRODUCT`). While live (no `deleted_at`) it also carries
/// the four catalogue index keys; deleting removes them, restoring sets them again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProductRecord {
    pub product_id: String,
    /// Upper-case, unique in the shop (its `SKU#<sku>` marker), never changed.
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_minor: u64,
    pub currency: String,
    pub stock: u64,
    pub low_stock_threshold: u64,
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_key: Option<String>,
    /// Stored times are `dynamo::timestamp`s.
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    /// Set when staff were told the stock is low; removed when stock is back at the threshold
    /// (the alert is armed again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_alerted_at: Option<String>,
    /// Low-stock alerts ever raised: names each alert's mails.
    #[serde(default)]
    pub low_alerts: u64,
}

impl ProductRecord {
    pub fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }
}

/// Where an order stands: `pending → confirmed → shipped → delivered`, or `cancelled` before
/// delivery. `delivered` and `cancelled` are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Confirmed,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
        }
    }

    /// The statuses staff may move an order to `self` from.
    pub fn staff_sources(self) -> &'static [OrderStatus] {
        match self {
            Self::Pending => &[],
            Self::Confirmed => &[Self::Pending],
            Self::Shipped => &[Self::Confirmed],
            Self::Delivered => &[Self::Shipped],
            Self::Cancelled => &[Self::Pending, Self::Confirmed, Self::Shipped],
        }
    }

    /// The statuses a customer may cancel their order from: before it ships.
    pub const CUSTOMER_CANCELLABLE: &'static [OrderStatus] = &[Self::Pending, Self::Confirmed];
}

/// One line of an order, priced when the order was placed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderLine {
    pub product_id: String,
    pub name: String,
    pub sku: String,
    pub unit_price_minor: u64,
    pub quantity: u64,
    pub line_total_minor: u64,
}

/// An order item (`ORDER#<id>` / `ORDER`) with its lines; in its customer's listing through
/// gsi1 and in its status's listing through gsi2.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderRecord {
    pub order_id: String,
    pub customer_id: String,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub total_minor: u64,
    pub currency: String,
    pub created_at: String,
    pub updated_at: String,
    /// When the customer was reminded of the order still pending (once per order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminded_at: Option<String>,
}

/// A product as the API shows it (staff and the public alike); never keys.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductView {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub description: String,
    /// Price of one unit in minor units (cents).
    pub price_minor: u64,
    pub currency: String,
    pub stock: u64,
    pub low_stock_threshold: u64,
    pub category: String,
    /// A link to the product's picture, valid for 5 minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    pub deleted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl ProductView {
    pub fn new(p: &ProductRecord, image_url: Option<String>) -> Self {
        Self {
            id: p.product_id.clone(),
            sku: p.sku.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            price_minor: p.price_minor,
            currency: p.currency.clone(),
            stock: p.stock,
            low_stock_threshold: p.low_stock_threshold,
            category: p.category.clone(),
            image_url,
            deleted: !p.is_live(),
            deleted_at: p.deleted_at.clone(),
            created_at: p.created_at.clone(),
            updated_at: p.updated_at.clone(),
        }
    }
}

/// An order as its customer and staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderView {
    pub order_id: String,
    pub customer_id: String,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    /// Sum of the lines, in minor units of `currency`.
    pub total_minor: u64,
    pub currency: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&OrderRecord> for OrderView {
    fn from(o: &OrderRecord) -> Self {
        Self {
            order_id: o.order_id.clone(),
            customer_id: o.customer_id.clone(),
            status: o.status,
            lines: o.lines.clone(),
            total_minor: o.total_minor,
            currency: o.currency.clone(),
            created_at: o.created_at.clone(),
            updated_at: o.updated_at.clone(),
        }
    }
}
