//! The rules of request fields: `validator` custom checks, trimming, and the translation of
//! `validator`'s errors into the 422 problem's `errors`.

use std::borrow::Cow;

use bazaar_shared::ApiError;
use bazaar_shared::error::FieldError;
use serde::{Deserialize, Deserializer};
use validator::{ValidationError, ValidationErrors};

/// The 422 answer, its field problems ordered by field.
pub(super) fn invalid(mut problems: Vec<FieldError>) -> ApiError {
    problems.sort_by(|a, b| a.field.cmp(&b.field));
    ApiError::Validation(problems)
}

/// `validator`'s errors as field problems, each field named `prefix` + its name; a rule over
/// the whole body (its `__all__`) is reported under the empty field name.
pub(super) fn problems(result: Result<(), ValidationErrors>, prefix: &str) -> Vec<FieldError> {
    let Err(errors) = result else {
        return Vec::new();
    };
    errors
        .field_errors()
        .into_iter()
        .flat_map(|(field, errors)| {
            let field = match &*field {
                "__all__" => String::new(),
                name => format!("{prefix}{name}"),
            };
            errors.iter().map(move |error| {
                let message = error.message.clone().unwrap_or(error.code.clone());
                FieldError::new(field.clone(), message)
            })
        })
        .collect()
}

pub(super) fn problem(message: &'static str) -> ValidationError {
    ValidationError::new("invalid").with_message(Cow::Borrowed(message))
}

/// Text shown to others: no control characters but line breaks.
pub(super) fn plain_text(value: &str) -> Result<(), ValidationError> {
    match value.chars().any(|c| c.is_control() && c != '\n') {
        true => Err(problem("must not hold control characters")),
        false => Ok(()),
    }
}

pub(super) fn currency_code(value: &str) -> Result<(), ValidationError> {
    match value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        true => Ok(()),
        false => Err(problem("must be an ISO 4217 code such as EUR")),
    }
}

/// 1 to 40 letters, digits, `-` or `_` (kept upper-case).
pub(super) fn sku(value: &str) -> Result<(), ValidationError> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    match (1..=40).contains(&value.len()) && value.bytes().all(allowed) {
        true => Ok(()),
        false => Err(problem("must be 1 to 40 letters, digits, - or _")),
    }
}

/// 1 to 40 lower-case letters, digits or `-`: it is part of index keys.
pub fn category(value: &str) -> Result<(), ValidationError> {
    let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    match (1..=40).contains(&value.len()) && value.bytes().all(allowed) {
        true => Ok(()),
        false => Err(problem("must be 1 to 40 lower-case letters, digits or -")),
    }
}

/// Texts are kept without surrounding white space, and their limits apply to what is kept.
pub(super) fn trimmed<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer).map(|text| text.trim().to_owned())
}

pub(super) fn trimmed_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(deserializer).map(|text| text.map(|t| t.trim().to_owned()))
}
