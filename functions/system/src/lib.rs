//! The system route group: the `system` function, a health check that also says which build
//! and stage answer.

pub mod system;
