//! How the store's typed errors are answered: each one mapped once, here. A write that kept
//! losing races is a 409 "try again", never a 404 or a 500.

use bazaar_shared::ApiError;

use crate::store::{ChangeNumberError, CreateDrawError, DecideError, SubmitError};

pub fn no_such_bond() -> ApiError {
    ApiError::not_found("No such bond.")
}

pub fn no_such_draw() -> ApiError {
    ApiError::not_found("No such draw.")
}

pub fn no_such_request() -> ApiError {
    ApiError::not_found("No such broker request.")
}

/// A decision on a request that is no longer pending.
pub fn decided() -> ApiError {
    ApiError::Conflict {
        problem: "request-decided",
        detail: "The request is no longer pending.".into(),
    }
}

impl From<ChangeNumberError> for ApiError {
    fn from(error: ChangeNumberError) -> Self {
        match error {
            ChangeNumberError::Gone => no_such_bond(),
            ChangeNumberError::Taken => ApiError::Conflict {
                problem: "already-registered",
                detail: "You already registered this bond.".into(),
            },
            ChangeNumberError::Busy => ApiError::contention(),
            ChangeNumberError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl From<CreateDrawError> for ApiError {
    fn from(error: CreateDrawError) -> Self {
        match error {
            CreateDrawError::Duplicate { existing } => ApiError::Conflict {
                problem: "duplicate-list",
                detail: format!("This file was uploaded before, as draw {existing}."),
            },
            CreateDrawError::Busy => ApiError::contention(),
            CreateDrawError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl From<SubmitError> for ApiError {
    fn from(error: SubmitError) -> Self {
        match error {
            SubmitError::Pending => ApiError::Conflict {
                problem: "request-pending",
                detail: "You have a pending request; withdraw it or wait for the decision.".into(),
            },
            SubmitError::Busy => ApiError::contention(),
            SubmitError::Other(e) => ApiError::Internal(e),
        }
    }
}

impl From<DecideError> for ApiError {
    fn from(error: DecideError) -> Self {
        match error {
            DecideError::NotPending => decided(),
            DecideError::ApplicantGone => applicant_gone(),
            DecideError::Busy => ApiError::contention(),
            DecideError::Other(e) => ApiError::Internal(e),
        }
    }
}

/// The applicant of a request has no account any more.
pub fn applicant_gone() -> ApiError {
    ApiError::Unprocessable {
        problem: "applicant-gone",
        detail: "The applicant's account no longer exists.".into(),
    }
}
