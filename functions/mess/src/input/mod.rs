//! Request bodies, and their parsing into values valid by construction. Unknown fields are
//! refused, so `status`, `amount`, `owner_id` or `join_code` can never be written by a client.
//! Every problem of a body is reported at once in the 422 `errors` list.

mod rules;

use bazaar_shared::ApiError;
use bazaar_shared::error::{field_errors, valid_or};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use crate::store::Redeem;
use bazaar_shared::rules::{currency_code, plain_text, trimmed, trimmed_option};
pub use rules::{MAX_REDEEM, is_id};
use rules::{
    distinct_token_ids, gateway_order_id, gateway_payment_id, hex_signature, join_code,
    names_a_change, one_way_to_redeem, six_digits,
};

/// At most this many tokens per order: their issue is one transaction of at most 100 writes
/// (the order, the payment, two figures, the tokens).
pub const MAX_TOKENS_PER_ORDER: u32 = 96;

/// `POST /mess/messes`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewMessBody {
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "plain_text")
    )]
    pub name: String,
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 300, message = "must be 1 to 300 characters"),
        custom(function = "plain_text")
    )]
    pub address: String,
    /// Price of one token in minor units (paise).
    #[validate(range(min = 100, max = 100_000, message = "must be between 100 and 100000"))]
    pub price_minor: u64,
    /// ISO 4217, e.g. `INR`. Fixed once the mess exists.
    #[validate(custom(function = "currency_code"))]
    pub currency: String,
}

/// A valid new mess.
#[derive(Debug, Clone)]
pub struct NewMess {
    pub name: String,
    pub address: String,
    pub price_minor: u64,
    pub currency: String,
}

impl NewMessBody {
    pub fn parse(self) -> Result<NewMess, ApiError> {
        let problems = field_errors(self.validate());
        valid_or(
            problems,
            NewMess {
                name: self.name,
                address: self.address,
                price_minor: self.price_minor,
                currency: self.currency,
            },
        )
    }
}

/// `PATCH /mess/messes/{id}`: only these, each optional, at least one.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "names_a_change"))]
pub struct MessChangesBody {
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(min = 1, max = 120, message = "must be 1 to 120 characters"),
        custom(function = "plain_text")
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(
        length(min = 1, max = 300, message = "must be 1 to 300 characters"),
        custom(function = "plain_text")
    )]
    pub address: Option<String>,
    #[validate(range(min = 100, max = 100_000, message = "must be between 100 and 100000"))]
    pub price_minor: Option<u64>,
}

/// Valid changes of a mess.
#[derive(Debug, Clone)]
pub struct MessChanges {
    pub name: Option<String>,
    pub address: Option<String>,
    pub price_minor: Option<u64>,
}

impl MessChangesBody {
    pub fn parse(self) -> Result<MessChanges, ApiError> {
        let problems = field_errors(self.validate());
        valid_or(
            problems,
            MessChanges {
                name: self.name,
                address: self.address,
                price_minor: self.price_minor,
            },
        )
    }
}

/// `POST /mess/join`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct JoinBody {
    #[validate(custom(function = "join_code"))]
    pub code: String,
}

impl JoinBody {
    /// The code, upper-cased (codes are shown in capitals but read out loud).
    pub fn parse(self) -> Result<String, ApiError> {
        valid_or(
            field_errors(self.validate()),
            self.code.to_ascii_uppercase(),
        )
    }
}

/// `PUT /mess/me/pin`: a new 6-digit PIN; `current_pin` once one is set.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PinBody {
    #[validate(custom(function = "six_digits"))]
    pub pin: String,
    #[validate(custom(function = "six_digits"))]
    pub current_pin: Option<String>,
}

impl PinBody {
    pub fn parse(self) -> Result<(String, Option<String>), ApiError> {
        valid_or(field_errors(self.validate()), (self.pin, self.current_pin))
    }
}

/// `POST /mess/orders`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    /// 1 to 96.
    #[validate(range(min = 1, max = MAX_TOKENS_PER_ORDER, message = "must be between 1 and 96"))]
    pub tokens: u32,
}

impl OrderBody {
    pub fn parse(self) -> Result<u32, ApiError> {
        valid_or(field_errors(self.validate()), self.tokens)
    }
}

/// `POST /mess/orders/{id}/verify`: what the Razorpay checkout handed the browser.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    #[validate(custom(function = "gateway_order_id"))]
    pub razorpay_order_id: String,
    #[validate(custom(function = "gateway_payment_id"))]
    pub razorpay_payment_id: String,
    #[validate(custom(function = "hex_signature"))]
    pub razorpay_signature: String,
}

impl VerifyBody {
    pub fn parse(self) -> Result<VerifyBody, ApiError> {
        valid_or(field_errors(self.validate()), self)
    }
}

/// `POST /mess/redemptions`: `count` tokens, or these `token_ids`, with the student's PIN.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "one_way_to_redeem"))]
pub struct RedeemBody {
    /// 1 to 50.
    #[validate(range(min = 1, max = 50, message = "must be between 1 and 50"))]
    pub count: Option<usize>,
    #[validate(custom(function = "distinct_token_ids"))]
    pub token_ids: Option<Vec<String>>,
    #[validate(custom(function = "six_digits"))]
    pub pin: String,
}

impl RedeemBody {
    pub fn parse(self) -> Result<(Redeem, String), ApiError> {
        let problems = field_errors(self.validate());
        let redeem = match (self.count, self.token_ids) {
            (Some(count), _) => Redeem::Count(count),
            (None, Some(ids)) => Redeem::Tokens(ids),
            (None, None) => Redeem::Count(0),
        };
        valid_or(problems, (redeem, self.pin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redeeming_names_either_a_count_or_tokens_and_a_six_digit_pin() {
        let parse = |v: serde_json::Value| serde_json::from_value::<RedeemBody>(v).unwrap().parse();
        assert!(parse(serde_json::json!({"count": 2, "pin": "123456"})).is_ok());
        assert!(parse(serde_json::json!({"pin": "123456"})).is_err());
        assert!(parse(serde_json::json!({"count": 0, "pin": "123456"})).is_err());
        assert!(parse(serde_json::json!({"count": 1, "pin": "12345"})).is_err());
        let twice =
            serde_json::json!({"token_ids": ["0".repeat(32), "0".repeat(32)], "pin": "123456"});
        assert!(parse(twice).is_err());
    }

    #[test]
    fn gateway_ids_are_refused_unless_well_formed() {
        let body = |order: &str| VerifyBody {
            razorpay_order_id: order.into(),
            razorpay_payment_id: "pay_abc123".into(),
            razorpay_signature: "a".repeat(64),
        };
        assert!(body("order_abc123").parse().is_ok());
        assert!(body("order_../../x").parse().is_err());
        assert!(body("abc").parse().is_err());
    }
}
