//! The parsing of request bodies.

use serde_json::json;
use time::format_description::well_known::Rfc3339;

use super::*;

fn now() -> OffsetDateTime {
    OffsetDateTime::parse("2026-11-21T12:00:00Z", &Rfc3339).unwrap()
}

fn field_errors(error: ApiError) -> Vec<(String, String)> {
    match error {
        ApiError::Validation(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[test]
fn start_times_are_normalised_to_utc_whole_seconds() {
    let at = future_start("2026-12-01T20:30:15.250+02:00", now()).unwrap();
    assert_eq!(at.text(), "2026-12-01T18:30:15Z");
}

#[test]
fn past_and_far_future_start_times_are_refused() {
    assert!(future_start("2026-11-21T11:59:59Z", now()).is_err());
    assert!(future_start("2031-01-01T00:00:00Z", now()).is_err());
    assert!(future_start("tomorrow", now()).is_err());
}

#[test]
fn an_empty_change_is_refused() {
    let errors = field_errors(EventChangesBody::default().parse(now()).unwrap_err());
    assert_eq!(
        errors,
        [("".into(), "name at least one field to change".into())]
    );
}

#[test]
fn every_problem_of_a_new_event_is_reported_at_once() {
    let body: NewEventBody = serde_json::from_value(json!({
        "title": "   ", "venue": "Hall\u{7}", "starts_at": "yesterday",
        "capacity": 0, "price_minor": 100_000_001u64, "currency": "eur"
    }))
    .unwrap();
    let fields: Vec<String> = field_errors(body.parse(now()).unwrap_err())
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert_eq!(
        fields,
        [
            "capacity",
            "currency",
            "price_minor",
            "starts_at",
            "title",
            "venue"
        ]
    );
}

#[test]
fn texts_are_trimmed_before_their_limits_apply() {
    let body: NewEventBody = serde_json::from_value(json!({
        "title": "  Rust Meetup  ", "venue": "Hall 1", "starts_at": "2026-12-01T18:00:00Z",
        "capacity": 10, "price_minor": 1500, "currency": "EUR"
    }))
    .unwrap();
    let event = body.parse(now()).unwrap();
    assert_eq!(event.title, "Rust Meetup");
    assert_eq!(event.description, "");
}

#[test]
fn seats_outside_one_to_ten_are_refused() {
    assert_eq!(BookBody { seats: 10 }.seats().unwrap(), 10);
    let errors = field_errors(BookBody { seats: 11 }.seats().unwrap_err());
    assert_eq!(
        errors,
        [("seats".into(), "must be between 1 and 10".into())]
    );
    assert!(BookBody { seats: 0 }.seats().is_err());
}
