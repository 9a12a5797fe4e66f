//! The Bazaar platform crate: what several route groups and jobs share, and nothing else.
//!
//! Domain rules live with their context under `functions/`; this crate holds the plumbing they
//! all need: typed configuration, AWS clients built once, the problem+json error type and the
//! extractors that use it, opaque pagination cursors, the SQS job envelope, the mail job type,
//! the idempotency store used by every job consumer, log set-up, and the seams of a function:
//! its [`Init`] and [`Function`], the [`Clock`], the identity client, outside HTTP services and
//! signed webhooks.

pub mod auth;
pub mod aws;
pub mod clock;
pub mod config;
pub mod dynamo;
pub mod error;
pub mod extract;
pub mod function;
pub mod http;
pub mod idempotency;
pub mod identity;
pub mod jobs;
pub mod mail;
pub mod outbound;
pub mod pagination;
pub mod pictures;
pub mod replay;
pub mod rules;
pub mod secret_hash;
pub mod telemetry;
pub mod webhook;

pub use aws::AwsClients;
pub use clock::Clock;
pub use config::{ConfigError, Env};
pub use error::{ApiError, ApiResult};
pub use function::{Function, Init};
