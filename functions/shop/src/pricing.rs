//! Pricing an order on the server: every line at the product's current price, all in one
//! currency. The checkout transaction then holds the products to exactly these prices.

use std::collections::HashMap;

use crate::input::LineRequest;
use crate::model::{OrderLine, ProductRecord};
use crate::store::OrderError;

/// The priced lines and their currency, or the first rule a line breaks: an unknown or
/// deleted product, a second currency, a price other than the cart showed, too little stock
/// (checked again, atomically, by the transaction).
pub fn price_lines(
    requests: &[LineRequest],
    products: &HashMap<String, ProductRecord>,
) -> Result<(Vec<OrderLine>, String), OrderError> {
    let mut found = Vec::with_capacity(requests.len());
    for request in requests {
        match products.get(&request.product_id) {
            Some(product) if product.is_live() => found.push((request, product)),
            _ => {
                return Err(OrderError::Unavailable {
                    product_id: request.product_id.clone(),
                });
            }
        }
    }
    let currency = found[0].1.currency.clone();
    if found.iter().any(|(_, p)| p.currency != currency) {
        return Err(OrderError::MixedCurrency);
    }
    let mut lines = Vec::with_capacity(found.len());
    for (index, (request, product)) in found.into_iter().enumerate() {
        if request
            .shown_price
            .is_some_and(|shown| shown != product.price_minor)
        {
            return Err(OrderError::PriceChanged {
                product_id: product.product_id.clone(),
                price_minor: product.price_minor,
            });
        }
        if product.stock < request.quantity {
            return Err(OrderError::OutOfStock {
                line: index,
                product_id: product.product_id.clone(),
                available: product.stock,
            });
        }
        lines.push(OrderLine {
            product_id: product.product_id.clone(),
            name: product.name.clone(),
            sku: product.sku.clone(),
            unit_price_minor: product.price_minor,
            quantity: request.quantity,
            // At most 1000 × 100000000: far from overflowing.
            line_total_minor: request.quantity * product.price_minor,
        });
    }
    Ok((lines, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: &str, currency: &str, price_minor: u64, stock: u64) -> ProductRecord {
        ProductRecord {
            product_id: id.into(),
            sku: format!("SKU-{id}"),
            name: format!("Product {id}"),
            description: String::new(),
            price_minor,
            currency: currency.into(),
            stock,
            low_stock_threshold: 0,
            category: "kitchen".into(),
            image_key: None,
            created_at: String::new(),
            updated_at: String::new(),
            deleted_at: None,
            low_alerted_at: None,
            low_alerts: 0,
        }
    }

    fn request(id: &str, quantity: u64, shown_price: Option<u64>) -> LineRequest {
        LineRequest {
            product_id: id.into(),
            quantity,
            shown_price,
        }
    }

    fn catalogue(products: Vec<ProductRecord>) -> HashMap<String, ProductRecord> {
        products
            .into_iter()
            .map(|p| (p.product_id.clone(), p))
            .collect()
    }

    #[test]
    fn lines_are_priced_by_the_server() {
        let products = catalogue(vec![
            product("a", "EUR", 250, 5),
            product("b", "EUR", 100, 1),
        ]);
        let (lines, currency) = price_lines(
            &[request("a", 2, Some(250)), request("b", 1, None)],
            &products,
        )
        .unwrap();
        assert_eq!(currency, "EUR");
        assert_eq!(lines[0].line_total_minor, 500);
        assert_eq!(lines[1].unit_price_minor, 100);
    }

    #[test]
    fn one_order_holds_one_currency() {
        let products = catalogue(vec![
            product("a", "EUR", 250, 5),
            product("b", "USD", 100, 1),
        ]);
        let error = price_lines(&[request("a", 1, None), request("b", 1, None)], &products);
        assert!(matches!(error, Err(OrderError::MixedCurrency)));
    }

    #[test]
    fn unknown_and_deleted_products_are_unavailable() {
        let mut deleted = product("d", "EUR", 100, 5);
        deleted.deleted_at = Some("2026-11-23T10:00:00.000000Z".into());
        let products = catalogue(vec![deleted]);
        for id in ["d", "nowhere"] {
            let error = price_lines(&[request(id, 1, None)], &products);
            assert!(matches!(error, Err(OrderError::Unavailable { .. })), "{id}");
        }
    }

    #[test]
    fn a_price_other_than_shown_and_short_stock_are_refused() {
        let products = catalogue(vec![product("a", "EUR", 250, 1)]);
        let moved = price_lines(&[request("a", 1, Some(200))], &products);
        assert!(matches!(
            moved,
            Err(OrderError::PriceChanged {
                price_minor: 250,
                ..
            })
        ));
        let short = price_lines(&[request("a", 2, None)], &products);
        assert!(matches!(
            short,
            Err(OrderError::OutOfStock { available: 1, .. })
        ));
    }
}
