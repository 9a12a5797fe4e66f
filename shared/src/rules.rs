//! Field rules that several contexts' request types share: `validator` custom checks and the
//! trimming deserializers (`#[serde(deserialize_with = "rules::trimmed")]`), so that a text's
//! limits apply to what is kept.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use validator::ValidationError;

/// A failed rule with the message shown to the caller in the 422's `errors`.
pub fn rule(message: &'static str) -> ValidationError {
    ValidationError::new("invalid").with_message(Cow::Borrowed(message))
}

/// Text shown to others: no control characters but line breaks.
pub fn plain_text(value: &str) -> Result<(), ValidationError> {
    match value.chars().any(|c| c.is_control() && c != '\n') {
        true => Err(rule("must not hold control characters")),
        false => Ok(()),
    }
}

/// An ISO 4217 currency code (three upper-case letters).
pub fn currency_code(value: &str) -> Result<(), ValidationError> {
    match value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        true => Ok(()),
        false => Err(rule("must be an ISO 4217 code such as EUR")),
    }
}

/// Text without its surrounding white space.
pub fn trimmed<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer).map(|text| text.trim().to_owned())
}

/// Optional text without its surrounding white space.
pub fn trimmed_option<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(deserializer).map(|text| text.map(|t| t.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_accept_what_they_promise_and_nothing_else() {
        assert!(plain_text("two\nlines").is_ok());
        assert!(plain_text("a\u{7}bell").is_err());
        assert!(currency_code("EUR").is_ok());
        for bad in ["eur", "EURO", "E1R", ""] {
            assert!(currency_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn texts_are_kept_trimmed() {
        #[derive(Deserialize)]
        struct Body {
            #[serde(deserialize_with = "trimmed")]
            name: String,
            #[serde(default, deserialize_with = "trimmed_option")]
            note: Option<String>,
        }
        let body: Body = serde_json::from_str(r#"{"name": "  Ada ", "note": " hi "}"#).unwrap();
        assert_eq!(
            (body.name.as_str(), body.note.as_deref()),
            ("Ada", Some("hi"))
        );
    }
}
