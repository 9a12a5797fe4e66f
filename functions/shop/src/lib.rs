//! The shop: staff run a catalogue, customers place multi-line orders that never oversell.
//!
//! One module per Lambda binary, each with its own state and `build`:
//! - [`catalog`]: products, created, changed, soft-deleted and restored by staff, and the
//!   public catalogue (HTTP);
//! - [`orders`]: checkout, a customer's orders, and the lifecycle staff drive (HTTP);
//! - [`shop_low_stock`]: mails staff once each time a product's stock falls below its
//!   threshold (schedule);
//! - [`shop_reminders`]: reminds customers of orders still pending after a day (schedule).
//!
//! Requests are parsed in [`input`] into the types of [`model`] before any I/O; the stock rules
//! are in [`store`]: one transaction per checkout, per cancellation, per status move.

mod browse_api;
pub mod catalog;
mod catalog_api;
mod images;
pub mod input;
pub mod model;
pub mod notices;
mod order_api;
pub mod orders;
pub mod pricing;
pub mod shop_low_stock;
pub mod shop_reminders;
mod staff_order_api;
pub mod store;

use bazaar_shared::ApiError;
use bazaar_shared::auth::{Role, RoleGuard};

/// Customers (and only they) place and cancel their own orders.
pub struct CustomerOnly;
impl RoleGuard for CustomerOnly {
    const ROLES: &'static [Role] = &[Role::Customer];
}

/// Shop staff (and only they) run the catalogue and every order's lifecycle.
pub struct StaffOnly;
impl RoleGuard for StaffOnly {
    const ROLES: &'static [Role] = &[Role::ShopStaff];
}

/// The id in a path, in its one stored spelling; anything but a UUID is a 404 that never
/// reaches DynamoDB.
fn path_id(text: &str, what: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(text)
        .map(|id| id.to_string())
        .map_err(|_| ApiError::not_found(format!("No such {what}.")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_ids_are_uuids_in_one_spelling() {
        let id = "0192f0c1-8a2b-7c3d-9e4f-a1b2c3d4e5f6";
        assert_eq!(super::path_id(id, "product").unwrap(), id);
        assert_eq!(
            super::path_id("0192f0c18a2b7c3d9e4fa1b2c3d4e5f6", "product").unwrap(),
            id
        );
        assert!(super::path_id("../etc", "product").is_err());
        assert!(super::path_id("", "order").is_err());
    }
}
