//! Opaque, signed pagination cursors.
//!
//! A cursor is DynamoDB's `LastEvaluatedKey`, serialised and signed with HMAC-SHA256 over the
//! listing it belongs to (its *scope*). A cursor that was altered, truncated, or taken from
//! another listing fails verification and is answered with 400; it never reaches DynamoDB.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Page size when the caller gives none.
pub const DEFAULT_PAGE_SIZE: u16 = 20;
/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: u16 = 100;

type Key = HashMap<String, AttributeValue>;

/// `?limit=&cursor=` on every paged listing.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1 to 100 (default 20).
    pub limit: Option<u16>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size to ask DynamoDB for, or 400 when out of range.
    pub fn limit(&self) -> Result<i32, ApiError> {
        match self.limit.unwrap_or(DEFAULT_PAGE_SIZE) {
            n @ 1..=MAX_PAGE_SIZE => Ok(i32::from(n)),
            _ => Err(ApiError::bad_request(format!(
                "limit must be between 1 and {MAX_PAGE_SIZE}."
            ))),
        }
    }
}

/// One page of a listing.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Signs and verifies cursors with a key from configuration.
#[derive(Clone)]
pub struct CursorCodec {
    key: SecretString,
}

impl std::fmt::Debug for CursorCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorCodec { .. }")
    }
}

impl CursorCodec {
    pub fn new(key: SecretString) -> Self {
        Self { key }
    }

    fn mac(&self, scope: &str, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose_secret().as_bytes())
            .expect("HMAC accepts keys of any length");
        mac.update(scope.as_bytes());
        mac.update(&[0]);
        mac.update(payload);
        mac
    }

    /// The cursor for a page that ended at `last_key`, if there is more to read.
    pub fn encode(&self, scope: &str, last_key: Option<&Key>) -> Option<String> {
        let key = last_key?;
        let value: serde_json::Value = serde_dynamo::from_item(key.clone()).ok()?;
        let payload = serde_json::to_vec(&value).ok()?;
        let tag = self.mac(scope, &payload).finalize().into_bytes();
        Some(format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(tag)
        ))
    }

    /// The `ExclusiveStartKey` of a cursor, or 400 when it is not one of ours for this scope.
    pub fn decode(&self, scope: &str, cursor: Option<&str>) -> Result<Option<Key>, ApiError> {
        let Some(cursor) = cursor else {
            return Ok(None);
        };
        let invalid = || ApiError::bad_request("The cursor is invalid or has expired.");
        let (payload, tag) = cursor.split_once('.').ok_or_else(invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        self.mac(scope, &payload)
            .verify_slice(&tag)
            .map_err(|_| invalid())?;
        let value: serde_json::Value = serde_json::from_slice(&payload).map_err(|_| invalid())?;
        let key: Key = serde_dynamo::to_item(value).map_err(|_| invalid())?;
        Ok(Some(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec() -> CursorCodec {
        CursorCodec::new(SecretString::from("a-test-key-of-32-bytes-or-more!!"))
    }

    fn key() -> Key {
        HashMap::from([
            ("pk".to_owned(), AttributeValue::S("EVENT#1".into())),
            (
                "starts_at".to_owned(),
                AttributeValue::N("1767225600".into()),
            ),
        ])
    }

    #[test]
    fn a_cursor_round_trips_to_the_same_key() {
        let cursor = codec().encode("events", Some(&key())).unwrap();
        assert_eq!(
            codec().decode("events", Some(&cursor)).unwrap(),
            Some(key())
        );
    }

    #[test]
    fn no_last_key_means_no_cursor() {
        assert_eq!(codec().encode("events", None), None);
        assert_eq!(codec().decode("events", None).unwrap(), None);
    }

    #[test]
    fn tampered_foreign_or_garbage_cursors_are_bad_requests() {
        let cursor = codec().encode("events", Some(&key())).unwrap();
        let (payload, tag) = cursor.split_once('.').unwrap();
        let forged_payload = URL_SAFE_NO_PAD.encode(br#"{"pk":"EVENT#2","starts_at":1}"#);
        for bad in [
            format!("{forged_payload}.{tag}"),
            format!("{payload}.AAAA"),
            "not-a-cursor".to_owned(),
            "%%%.%%%".to_owned(),
            String::new(),
        ] {
            let err = codec().decode("events", Some(&bad)).unwrap_err();
            assert!(matches!(err, ApiError::BadRequest(_)), "{bad}: {err:?}");
        }
        let other_scope = codec().decode("bookings", Some(&cursor)).unwrap_err();
        assert!(matches!(other_scope, ApiError::BadRequest(_)));
        let other_key = CursorCodec::new(SecretString::from("another-key-another-key-another!!"));
        assert!(other_key.decode("events", Some(&cursor)).is_err());
    }

    #[test]
    fn page_size_is_capped() {
        let q = |limit| PageQuery {
            limit,
            cursor: None,
        };
        assert_eq!(q(None).limit().unwrap(), 20);
        assert_eq!(q(Some(100)).limit().unwrap(), 100);
        assert!(q(Some(0)).limit().is_err());
        assert!(q(Some(101)).limit().is_err());
    }
}
