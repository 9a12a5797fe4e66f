//! Order bodies: which products, how many, and the price the cart showed. Prices, totals and
//! currency are never taken from the request: the server prices every line.

use std::collections::HashSet;

use bazaar_shared::ApiError;
use bazaar_shared::error::{FieldError, field_errors_in, invalid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::model::OrderStatus;

/// Lines an order holds at most.
pub const MAX_LINES: usize = 25;

/// `POST /shop/orders`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    /// 1 to 25 lines, one per product.
    pub lines: Vec<OrderLineBody>,
}

/// One line of `OrderBody`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OrderLineBody {
    pub product_id: String,
    #[validate(range(min = 1, max = 1000, message = "must be between 1 and 1000"))]
    pub quantity: u64,
    /// The unit price the cart showed; a different current price is a 409 `price-changed`.
    pub unit_price_minor: Option<u64>,
}

/// A valid line: a well-formed product id (each once per order) and a quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineRequest {
    pub product_id: String,
    pub quantity: u64,
    pub shown_price: Option<u64>,
}

/// `POST /shop/staff/orders/{id}/status`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    pub to: MoveTarget,
}

/// Where staff may move an order (an order is only ever created `pending`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoveTarget {
    Confirmed,
    Shipped,
    Delivered,
    Cancelled,
}

impl From<MoveTarget> for OrderStatus {
    fn from(target: MoveTarget) -> Self {
        match target {
            MoveTarget::Confirmed => OrderStatus::Confirmed,
            MoveTarget::Shipped => OrderStatus::Shipped,
            MoveTarget::Delivered => OrderStatus::Delivered,
            MoveTarget::Cancelled => OrderStatus::Cancelled,
        }
    }
}

impl OrderBody {
    /// The lines, or every problem of every line at once (fields `lines[i].quantity`, …).
    pub fn parse(self) -> Result<Vec<LineRequest>, ApiError> {
        if !(1..=MAX_LINES).contains(&self.lines.len()) {
            return Err(invalid(vec![FieldError::new(
                "lines",
                format!("must hold 1 to {MAX_LINES} lines"),
            )]));
        }
        let mut problems_found = Vec::new();
        let mut seen = HashSet::new();
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, line) in self.lines.into_iter().enumerate() {
            problems_found.extend(field_errors_in(&format!("lines[{i}]."), line.validate()));
            let field = format!("lines[{i}].product_id");
            match uuid::Uuid::parse_str(&line.product_id) {
                Err(_) => problems_found.push(FieldError::new(field, "must be a product id")),
                Ok(id) if !seen.insert(id) => problems_found.push(FieldError::new(
                    field,
                    "names a product of another line; use one line per product",
                )),
                Ok(id) => lines.push(LineRequest {
                    product_id: id.to_string(),
                    quantity: line.quantity,
                    shown_price: line.unit_price_minor,
                }),
            }
        }
        match problems_found.is_empty() {
            true => Ok(lines),
            false => Err(invalid(problems_found)),
        }
    }
}
