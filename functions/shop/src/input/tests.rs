//! The parsing of request bodies.

use bazaar_shared::ApiError;
use serde_json::{Value, json};

use super::*;

fn field_errors(error: ApiError) -> Vec<(String, String)> {
    match error {
        ApiError::Validation(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

fn fields(error: ApiError) -> Vec<String> {
    field_errors(error).into_iter().map(|(f, _)| f).collect()
}

fn product() -> Value {
    json!({
        "name": "  Espresso Cup  ", "sku": "cup-espresso_1", "price_minor": 1250,
        "currency": "EUR", "stock": 7, "low_stock_threshold": 2, "category": "kitchen"
    })
}

#[test]
fn a_new_product_is_trimmed_and_its_sku_upper_cased() {
    let body: NewProductBody = serde_json::from_value(product()).unwrap();
    let product = body.parse().unwrap();
    assert_eq!(product.name, "Espresso Cup");
    assert_eq!(product.sku, "CUP-ESPRESSO_1");
    assert_eq!(product.description, "");
}

#[test]
fn every_problem_of_a_new_product_is_reported_at_once() {
    let body: NewProductBody = serde_json::from_value(json!({
        "name": " ", "description": "bell\u{7}", "sku": "no spaces", "price_minor": 0,
        "currency": "eur", "stock": 1_000_001, "low_stock_threshold": 1_000_000_000_000u64,
        "category": "Kitchen"
    }))
    .unwrap();
    assert_eq!(
        fields(body.parse().unwrap_err()),
        [
            "category",
            "currency",
            "description",
            "low_stock_threshold",
            "name",
            "price_minor",
            "sku",
            "stock"
        ]
    );
}

#[test]
fn fields_no_one_may_write_are_refused() {
    for field in ["id", "deleted", "deleted_at", "image_url", "created_at"] {
        let mut body = product();
        body[field] = json!("x");
        let error = serde_json::from_value::<NewProductBody>(body).unwrap_err();
        assert!(
            error.to_string().contains("unknown field"),
            "{field}: {error}"
        );
    }
}

#[test]
fn a_change_names_only_allowed_fields_and_at_least_one() {
    for field in ["sku", "currency", "deleted", "id"] {
        let error = serde_json::from_value::<ProductChangesBody>(json!({ field: "x" }));
        assert!(error.is_err(), "{field}");
    }
    let errors = field_errors(ProductChangesBody::default().parse().unwrap_err());
    assert_eq!(
        errors,
        [("".into(), "name at least one field to change".into())]
    );
    let change: ProductChangesBody =
        serde_json::from_value(json!({ "stock": 12, "category": "garden" })).unwrap();
    let change = change.parse().unwrap();
    assert_eq!(
        (change.stock, change.category.as_deref()),
        (Some(12), Some("garden"))
    );
}

fn order(lines: Value) -> Result<Vec<LineRequest>, ApiError> {
    serde_json::from_value::<OrderBody>(json!({ "lines": lines }))
        .unwrap()
        .parse()
}

const A: &str = "0192f0c1-8a2b-7c3d-9e4f-a1b2c3d4e5f6";
const B: &str = "0192f0c1-8a2b-7c3d-9e4f-a1b2c3d4e5f7";

#[test]
fn order_lines_are_parsed_with_their_product_ids_in_one_spelling() {
    let lines = order(json!([
        { "product_id": A.replace('-', ""), "quantity": 2, "unit_price_minor": 1250 },
        { "product_id": B, "quantity": 1 }
    ]))
    .unwrap();
    assert_eq!(lines[0].product_id, A);
    assert_eq!(lines[0].shown_price, Some(1250));
    assert_eq!(lines[1].shown_price, None);
}

#[test]
fn an_order_holds_one_to_twenty_five_lines() {
    assert_eq!(fields(order(json!([])).unwrap_err()), ["lines"]);
    let many: Vec<Value> = (0..=MAX_LINES)
        .map(|i| json!({ "product_id": format!("0192f0c1-8a2b-7c3d-9e4f-{i:012}"), "quantity": 1 }))
        .collect();
    assert_eq!(fields(order(json!(many)).unwrap_err()), ["lines"]);
}

#[test]
fn bad_lines_are_named_by_their_index() {
    let errors = fields(
        order(json!([
            { "product_id": A, "quantity": 0 },
            { "product_id": "nope", "quantity": 1_000_000_000_000u64 },
            { "product_id": A, "quantity": 1 }
        ]))
        .unwrap_err(),
    );
    assert_eq!(
        errors,
        [
            "lines[0].quantity",
            "lines[1].product_id",
            "lines[1].quantity",
            "lines[2].product_id"
        ]
    );
}

#[test]
fn order_lines_refuse_prices_totals_and_unknown_fields() {
    for field in ["line_total_minor", "price_minor", "currency"] {
        let body = json!({ "lines": [{ "product_id": A, "quantity": 1, field: 1 }] });
        assert!(
            serde_json::from_value::<OrderBody>(body).is_err(),
            "{field}"
        );
    }
    let body = json!({ "lines": [{ "product_id": A, "quantity": 1 }], "total_minor": 1 });
    assert!(serde_json::from_value::<OrderBody>(body).is_err());
}

#[test]
fn staff_move_orders_to_every_status_but_pending() {
    let to: MoveBody = serde_json::from_value(json!({ "to": "shipped" })).unwrap();
    assert_eq!(to.to, MoveTarget::Shipped);
    assert!(serde_json::from_value::<MoveBody>(json!({ "to": "pending" })).is_err());
}
