//! The platform's own functions: `system`, a health check that also says which build and
//! stage answer, and `outbox-relay`, which sends the jobs SQS could not take when they were
//! queued.

pub mod outbox_relay;
pub mod system;
