//! How a cancelled checkout is explained, line by line, from the cancellation reasons alone.

use bazaar_shared::dynamo::{Cancellation, TransactError, to_item};

use super::checkout::{OrderError, explain, failed_line};
use crate::model::{OrderLine, ProductRecord};

fn product(stock: u64, price_minor: u64, deleted: bool) -> ProductRecord {
    ProductRecord {
        product_id: "p2".into(),
        sku: "CUP-1".into(),
        name: "Cup".into(),
        description: String::new(),
        price_minor,
        currency: "EUR".into(),
        stock,
        low_stock_threshold: 0,
        category: "kitchen".into(),
        image_key: None,
        created_at: "2026-11-23T10:00:00.000000Z".into(),
        updated_at: "2026-11-23T10:00:00.000000Z".into(),
        deleted_at: deleted.then(|| "2026-11-23T11:00:00.000000Z".into()),
        low_alerted_at: None,
        low_alerts: 0,
    }
}

fn line(product_id: &str, quantity: u64, unit_price_minor: u64) -> OrderLine {
    OrderLine {
        product_id: product_id.into(),
        name: "Cup".into(),
        sku: "CUP-1".into(),
        unit_price_minor,
        quantity,
        line_total_minor: quantity * unit_price_minor,
    }
}

fn failed(item: Option<&ProductRecord>) -> Cancellation {
    Cancellation {
        code: Some("ConditionalCheckFailed".into()),
        item: item.map(|p| to_item(p).unwrap()),
    }
}

#[test]
fn the_failed_line_is_found_with_the_product_its_condition_saw() {
    let seen = product(2, 500, false);
    let error = TransactError::Cancelled(vec![
        Cancellation::default(),
        failed(Some(&seen)),
        Cancellation::default(),
    ]);
    let (index, product) = failed_line(&error, 2).unwrap().unwrap();
    assert_eq!(index, 1);
    assert_eq!(product.unwrap().stock, 2);
}

#[test]
fn a_failed_order_put_is_not_a_failed_line() {
    let error = TransactError::Cancelled(vec![Cancellation::default(), failed(None)]);
    assert!(failed_line(&error, 1).unwrap().is_none());
}

#[test]
fn a_short_line_is_out_of_stock_with_what_is_left() {
    let error = explain(1, &line("p2", 3, 500), Some(&product(2, 500, false)));
    assert!(matches!(
        error,
        OrderError::OutOfStock { line: 1, ref product_id, available: 2 } if product_id == "p2"
    ));
}

#[test]
fn a_moved_price_is_a_price_change() {
    let error = explain(0, &line("p2", 1, 500), Some(&product(9, 650, false)));
    assert!(matches!(
        error,
        OrderError::PriceChanged {
            price_minor: 650,
            ..
        }
    ));
}

#[test]
fn deleted_or_missing_products_are_unavailable() {
    let deleted = explain(0, &line("p2", 1, 500), Some(&product(9, 500, true)));
    assert!(matches!(deleted, OrderError::Unavailable { ref product_id } if product_id == "p2"));
    let missing = explain(0, &line("p9", 1, 500), None);
    assert!(matches!(missing, OrderError::Unavailable { ref product_id } if product_id == "p9"));
}
