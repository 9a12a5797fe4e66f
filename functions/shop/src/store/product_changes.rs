//! A staff member's change of a live product, in one conditional update. The catalogue index
//! keys follow a new price or category in the same write; stock set at or above the threshold
//! arms the low-stock alert again.

use bazaar_shared::dynamo::{number, string, timestamp};
use time::OffsetDateTime;

use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;

use super::{ProductError, ShopStore, category_pk, price_sort_key};
use crate::input::ProductChanges;
use crate::model::ProductRecord;

impl ShopStore {
    /// Applies allow-listed changes to a live product. Stock set back at or above the
    /// threshold arms the low-stock alert again.
    pub async fn change_product(
        &self,
        product_id: &str,
        changes: &ProductChanges,
        now: OffsetDateTime,
    ) -> Result<ProductRecord, ProductError> {
        let before = match self.product(product_id).await? {
            None => return Err(ProductError::NotFound),
            Some(p) if !p.is_live() => return Err(ProductError::Deleted),
            Some(p) => p,
        };
        let mut update = self.product_update(product_id, &timestamp(now));
        let mut sets = vec!["updated_at = :at".to_owned()];
        let texts = [
            ("name", &changes.name),
            ("description", &changes.description),
            ("category", &changes.category),
        ];
        for (field, value) in texts {
            if let Some(value) = value {
                update = update
                    .expression_attribute_names(format!("#{field}"), field)
                    .expression_attribute_values(format!(":{field}"), string(value));
                sets.push(format!("#{field} = :{field}"));
            }
        }
        let numbers = [
            ("price_minor", changes.price_minor),
            ("stock", changes.stock),
            ("low_stock_threshold", changes.low_stock_threshold),
        ];
        for (field, value) in numbers {
            if let Some(value) = value {
                update = update.expression_attribute_values(format!(":{field}"), number(value));
                sets.push(format!("{field} = :{field}"));
            }
        }
        // The index keys follow price and category, each from its new value only (never from
        // the read), so a concurrent change of the other leaves no stale key behind.
        let mut keys = Vec::new();
        if let Some(price) = changes.price_minor {
            let by_price = price_sort_key(price, product_id);
            keys.extend([("gsi2sk", by_price.clone()), ("gsi4sk", by_price)]);
        }
        if let Some(category) = &changes.category {
            keys.extend([
                ("gsi1pk", category_pk(category)),
                ("gsi2pk", category_pk(category)),
            ]);
        }
        for (name, value) in keys {
            update = update.expression_attribute_values(format!(":{name}"), string(value));
            sets.push(format!("{name} = :{name}"));
        }
        let (update, rearm) = rearming(update, &before, changes);
        let expression = match rearm {
            true => format!("SET {} REMOVE low_alerted_at", sets.join(", ")),
            false => format!("SET {}", sets.join(", ")),
        };
        let update = update.update_expression(expression);
        // Live again by now: deleted and restored in between.
        self.run_update(
            update,
            product_id,
            ProductError::Contention,
            ProductError::Deleted,
        )
        .await
    }
}

/// The condition of a change, and whether it arms the low-stock alert again: when stock or
/// threshold is set and stock is then at or above the threshold. A value taken from the read
/// rather than the change is made part of the condition, so the decision holds at the write.
fn rearming(
    update: UpdateItemFluentBuilder,
    before: &ProductRecord,
    changes: &ProductChanges,
) -> (UpdateItemFluentBuilder, bool) {
    let mut condition = "attribute_exists(pk) AND attribute_not_exists(deleted_at)".to_owned();
    let (stock, threshold) = match (changes.stock, changes.low_stock_threshold) {
        (None, None) => return (update.condition_expression(condition), false),
        (Some(stock), Some(threshold)) => (stock, threshold),
        (Some(stock), None) => (stock, before.low_stock_threshold),
        (None, Some(threshold)) => (before.stock, threshold),
    };
    if stock < threshold {
        return (update.condition_expression(condition), false);
    }
    let update = match (changes.stock, changes.low_stock_threshold) {
        (Some(_), None) => {
            condition.push_str(" AND low_stock_threshold = :seen_threshold");
            update.expression_attribute_values(":seen_threshold", number(threshold))
        }
        (None, Some(_)) => {
            condition.push_str(" AND stock >= :threshold_now");
            update.expression_attribute_values(":threshold_now", number(threshold))
        }
        _ => update,
    };
    (update.condition_expression(condition), true)
}
