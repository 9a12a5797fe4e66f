use super::*;
use bazaar_shared::ApiError;
use serde_json::json;

fn now() -> OffsetDateTime {
    OffsetDateTime::parse("2026-11-23T12:00:00Z", &Rfc3339).unwrap()
}

fn task(changes: serde_json::Value) -> serde_json::Value {
    let mut body = json!({
        "title": "Tag ten photos",
        "detail": "Name what you see",
        "instructions": "Paste the tags",
        "required_workers": 3,
        "coins_per_worker": 10,
        "complete_by": "2026-12-01T00:00:00Z",
    });
    body.as_object_mut()
        .unwrap()
        .extend(changes.as_object().unwrap().clone());
    body
}

fn fields(error: ApiError) -> Vec<String> {
    match error {
        ApiError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[test]
fn a_valid_task_parses_with_its_escrow_terms() {
    let body: TaskBody = serde_json::from_value(task(json!({}))).unwrap();
    let new = body.parse(now()).unwrap();
    assert_eq!((new.required, new.coins), (3, 10));
}

#[test]
fn every_bad_task_field_is_reported_at_once() {
    let body: TaskBody = serde_json::from_value(task(json!({
        "title": " ", "required_workers": 0, "coins_per_worker": 0, "complete_by": "2020-01-01T00:00:00Z"
    })))
    .unwrap();
    let mut reported = fields(body.parse(now()).unwrap_err());
    reported.sort();
    assert_eq!(
        reported,
        [
            "coins_per_worker",
            "complete_by",
            "required_workers",
            "title"
        ]
    );
}

#[test]
fn coins_balance_and_status_cannot_be_sent() {
    for field in ["balance", "escrow", "status", "buyer_id", "slots_left"] {
        let body = task(json!({ field: 1 }));
        assert!(serde_json::from_value::<TaskBody>(body).is_err(), "{field}");
    }
    let edit = json!({"title": "x", "status": "closed"});
    assert!(serde_json::from_value::<TaskChangesBody>(edit).is_err());
}

#[test]
fn a_withdrawal_below_the_minimum_is_refused() {
    let rules = WithdrawalRules {
        min_coins: 200,
        coins_per_dollar: 20,
    };
    let body: WithdrawalBody = serde_json::from_value(
        json!({"coins": 199, "payment_system": "bkash", "account": "01700000000"}),
    )
    .unwrap();
    assert_eq!(fields(body.parse(&rules).unwrap_err()), ["coins"]);
    let body: WithdrawalBody = serde_json::from_value(
        json!({"coins": 200, "payment_system": "bkash", "account": "01700000000"}),
    )
    .unwrap();
    assert_eq!(body.parse(&rules).unwrap().amount_cents, 1000);
}

#[test]
fn path_ids_are_short_plain_words() {
    assert!(Id::try_from("0190a0b2c3d4e5f6".to_owned()).is_ok());
    for bad in ["", "a#b", "a/b", "ä", &"x".repeat(65)] {
        assert!(Id::try_from(bad.to_owned()).is_err(), "{bad}");
    }
}
