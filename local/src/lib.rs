//! The local stack: Bazaar on one machine without Docker.
//!
//! It reads `template.yaml` (the single source of truth), provisions DynamoDB Local and moto
//! from it under a stage's names, builds every function from the environment its template entry
//! resolves to, and serves them all from one process: the HTTP API routed as the template's
//! `HttpApi` events declare, queue consumers fed real SQS batches, and scheduled functions fired
//! on their schedules or on demand. Tests start one stack per test with a fresh stage.

pub mod console;
pub mod functions;
pub mod gateways;
pub mod keys;
pub mod mailbox;
pub mod modules;
pub mod poller;
pub mod provision;
pub mod registry;
pub mod scheduler;
pub mod server;
pub mod stack;
pub mod summary;
pub mod template;
pub mod wiring;

pub use stack::{LocalStack, StackConfig};
