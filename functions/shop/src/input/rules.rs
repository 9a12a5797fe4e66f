//! The shop's own field rules (the shared ones are in `bazaar_shared::rules`).

use bazaar_shared::rules::rule;
use validator::ValidationError;

/// 1 to 40 letters, digits, `-` or `_` (kept upper-case).
pub(super) fn sku(value: &str) -> Result<(), ValidationError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    match (1..=40).contains(&value.len()) && value.bytes().all(allowed) {
        true => Ok(()),
        false => Err(rule("must be 1 to 40 letters, digits, - or _")),
    }
}

/// 1 to 40 lower-case letters, digits or `-`: it is part of index keys.
pub fn category(value: &str) -> Result<(), ValidationError> {
    let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    match (1..=40).contains(&value.len()) && value.bytes().all(allowed) {
        true => Ok(()),
        false => Err(rule("must be 1 to 40 lower-case letters, digits or -")),
    }
}
