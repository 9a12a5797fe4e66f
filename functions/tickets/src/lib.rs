//! Event tickets: organizers publish events, anyone browses them, customers book seats.
//!
//! One module per Lambda binary, each with its own state and `build`:
//! - [`events`]: organizers' events and the public listing (HTTP);
//! - [`bookings`]: customers' bookings (HTTP);
//! - [`ticket_jobs`]: tells every active booker of an event about a change, a cancellation or
//!   the coming start, a page at a time (SQS);
//! - [`ticket_reminders`]: about 24 hours before each event (schedule).
//!
//! Requests are parsed in [`input`] into the types of [`model`] before any I/O; the seat rules
//! are in [`store`]: one transaction per booking or cancellation.

mod booking_api;
pub mod bookings;
mod browse_api;
pub mod events;
pub mod input;
pub mod model;
pub mod notices;
mod organizer_api;
pub mod store;
pub mod ticket_jobs;
pub mod ticket_reminders;

use bazaar_shared::auth::{Role, RoleGuard};

pub use ticket_jobs::Notifier;

/// Organizers (and only they) manage events.
pub struct OrganizerOnly;
impl RoleGuard for OrganizerOnly {
    const ROLES: &'static [Role] = &[Role::Organizer];
}

/// Customers (and only they) book seats.
pub struct CustomerOnly;
impl RoleGuard for CustomerOnly {
    const ROLES: &'static [Role] = &[Role::Customer];
}
