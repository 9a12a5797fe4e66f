//! The rules of request fields: `validator` custom checks and trimming.

use bazaar_shared::rules::rule;
use validator::ValidationError;

use super::{MessChangesBody, RedeemBody};

/// At most this many tokens are redeemed at once (one transaction holds them all).
pub const MAX_REDEEM: usize = 50;

pub(super) fn six_digits(value: &str) -> Result<(), ValidationError> {
    match value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) {
        true => Ok(()),
        false => Err(rule("must be exactly 6 digits")),
    }
}

pub(super) fn join_code(value: &str) -> Result<(), ValidationError> {
    match value.len() == 8 && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        true => Ok(()),
        false => Err(rule("must be the 8-character join code")),
    }
}

/// A Razorpay id: `<prefix>_` then 1 to 40 letters and digits (it goes into a URL path).
fn gateway_id(value: &str, prefix: &str, message: &'static str) -> Result<(), ValidationError> {
    match value.strip_prefix(prefix) {
        Some(rest)
            if (1..=40).contains(&rest.len())
                && rest.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            Ok(())
        }
        _ => Err(rule(message)),
    }
}

pub(super) fn gateway_order_id(value: &str) -> Result<(), ValidationError> {
    gateway_id(value, "order_", "must be a Razorpay order id (order_…)")
}

pub(super) fn gateway_payment_id(value: &str) -> Result<(), ValidationError> {
    gateway_id(value, "pay_", "must be a Razorpay payment id (pay_…)")
}

pub(super) fn hex_signature(value: &str) -> Result<(), ValidationError> {
    match value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        true => Ok(()),
        false => Err(rule("must be 64 hexadecimal characters")),
    }
}

/// Our ids: 32 lower-case hex characters (a UUID without dashes).
pub fn is_id(value: &str) -> bool {
    value.len() == 32
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub(super) fn distinct_token_ids(ids: &[String]) -> Result<(), ValidationError> {
    if ids.is_empty() || ids.len() > MAX_REDEEM {
        return Err(rule("must name 1 to 50 tokens"));
    }
    if !ids.iter().all(|id| is_id(id)) {
        return Err(rule("must be token ids"));
    }
    let mut unique: Vec<&String> = ids.iter().collect();
    unique.sort();
    unique.dedup();
    match unique.len() == ids.len() {
        true => Ok(()),
        false => Err(rule("must not name a token twice")),
    }
}

pub(super) fn one_way_to_redeem(body: &RedeemBody) -> Result<(), ValidationError> {
    match (&body.count, &body.token_ids) {
        (Some(_), None) | (None, Some(_)) => Ok(()),
        _ => Err(rule("give either count or token_ids")),
    }
}

pub(super) fn names_a_change(body: &MessChangesBody) -> Result<(), ValidationError> {
    match body.name.is_none() && body.address.is_none() && body.price_minor.is_none() {
        true => Err(rule("name at least one field to change")),
        false => Ok(()),
    }
}
