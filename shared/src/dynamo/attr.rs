//! Attribute values, keys and stored times: the one spelling every store uses.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use time::{OffsetDateTime, UtcOffset};

use super::Item;

/// A string attribute.
pub fn string(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// A number attribute (DynamoDB numbers travel as text).
pub fn number(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// The primary key of a single-table item: `pk` and `sk`.
pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([("pk".to_owned(), string(pk)), ("sk".to_owned(), string(sk))])
}

/// A time as every table stores it: RFC 3339 in UTC with exactly six fractional digits, so that
/// text order is time order (sort keys, `created_at`, cursors compare as strings).
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_sort_as_text_in_time_order() {
        // 2026-11-23T10:00:00Z, and moments around it, in nanoseconds.
        let ten = 1_795_428_000_000_000_000i128;
        let offsets = [-1_000, 0, 500_000_000, 7_200_000_001_000];
        let stamps: Vec<String> = offsets
            .iter()
            .map(|ns| timestamp(OffsetDateTime::from_unix_timestamp_nanos(ten + ns).unwrap()))
            .collect();
        let mut sorted = stamps.clone();
        sorted.sort();
        assert_eq!(stamps, sorted);
        assert_eq!(stamps[1], "2026-11-23T10:00:00.000000Z");
    }

    #[test]
    fn a_key_names_pk_and_sk() {
        let key = key("USER#1", "PROFILE");
        assert_eq!(key["pk"], string("USER#1"));
        assert_eq!(key["sk"], string("PROFILE"));
    }
}
