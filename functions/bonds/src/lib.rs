//! Prize bonds: the bond registry and wins ([`bonds`]), winning-list upload and reads
//! ([`draws`]), the draw worker ([`draws_worker`], SQS), the scheduled matcher
//! ([`bond_matcher`]), and broker requests and stores ([`brokers`]). Each of those modules is
//! one Lambda binary with its own state and `build`. One DynamoDB table holds it all (see
//! [`store::keys`]).
//!
//! Requests are parsed in [`input`] before any I/O; records are in [`model`], responses in
//! [`views`]; the store's typed errors are answered in [`problems`].

pub mod bond_matcher;
pub mod bonds;
pub mod brokers;
pub mod draws;
pub mod draws_worker;
pub mod input;
pub mod matching;
pub mod model;
pub mod notices;
pub mod parse;
pub mod problems;
pub mod store;
pub mod views;

#[cfg(test)]
mod build_tests;
