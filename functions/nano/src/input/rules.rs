//! Field rules shared by the bodies, and `validator`'s errors as the 422 problem's `errors`.

use bazaar_shared::rules::rule;
use validator::ValidationError;

use super::TaskChangesBody;

/// A payment system's name: letters, digits, spaces and dashes.
pub(super) fn system_name(value: &str) -> Result<(), ValidationError> {
    let fine = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
    match fine {
        true => Ok(()),
        false => Err(rule("must be letters, digits, spaces or dashes")),
    }
}

pub(super) fn names_a_change(body: &TaskChangesBody) -> Result<(), ValidationError> {
    match body.title.is_none() && body.detail.is_none() && body.instructions.is_none() {
        true => Err(rule("name at least one field to change")),
        false => Ok(()),
    }
}
