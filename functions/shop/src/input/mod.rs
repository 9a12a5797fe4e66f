//! Request bodies, and their parsing into values that are valid by construction. Unknown
//! fields are refused, so `stock` can never be written by a customer, nor `sku`, `deleted` or
//! `id` by anyone after creation. Field rules are `validator` attributes; every problem of a
//! body is reported at once in the 422 `errors` list.

mod orders;
mod products;
mod rules;
#[cfg(test)]
mod tests;

pub use orders::{LineRequest, MAX_LINES, MoveBody, MoveTarget, OrderBody, OrderLineBody};
pub use products::{NewProduct, NewProductBody, ProductChanges, ProductChangesBody};
pub use rules::category;
