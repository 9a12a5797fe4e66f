//! The Bazaar platform crate: what several route groups and jobs share, and nothing else.
//!
//! Domain rules live with their context under `functions/`; this crate holds the plumbing they
//! all need: typed configuration, AWS clients built once, the problem+json error type and the
//! extractors that use it, opaque pagination cursors, the SQS job envelope, the mail job type,
//! the idempotency store used by every job consumer, and log set-up.

pub mod auth;
pub mod aws;
pub mod config;
pub mod dynamo;
pub mod error;
pub mod extract;
pub mod http;
pub mod idempotency;
pub mod jobs;
pub mod mail;
pub mod pagination;
pub mod replay;
pub mod telemetry;

pub use aws::AwsClients;
pub use config::{ConfigError, Env};
pub use error::{ApiError, ApiResult};
