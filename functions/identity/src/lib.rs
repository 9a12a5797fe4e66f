//! Identity: accounts, e-mail codes, passwords, sessions and tokens (the `auth` function), and
//! profiles and user administration (the `users` function). Only `auth` holds the private key
//! that signs access tokens; `users`, like every other function, only verifies them.
//!
//! Other contexts never use this crate: they reach the identity table through
//! `bazaar_shared::identity`, which this crate's store shares its keys and role writes with.

pub mod auth;
pub mod users;

mod admin_api;
pub mod bootstrap;
mod codes;
mod fields;
mod password;
mod password_api;
mod profile_api;
mod session_api;
mod signup_api;
pub mod store;
#[cfg(test)]
mod test_support;
pub mod tokens;
