//! Field problems: the `errors` of a 422, and `validator`'s errors translated into them.

use serde::Serialize;
use utoipa::ToSchema;

use super::ApiError;

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The JSON field (dotted path for nested fields).
    pub field: String,
    /// What is wrong with it, for a person.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// `validator`'s errors as field problems (its message, else its code); a rule over the whole
/// body (`__all__`) is reported under the empty field name.
pub fn field_errors(result: Result<(), validator::ValidationErrors>) -> Vec<FieldError> {
    field_errors_in("", result)
}

/// [`field_errors`] of a nested value, each field named `prefix` + its name (`lines[2].`).
pub fn field_errors_in(
    prefix: &str,
    result: Result<(), validator::ValidationErrors>,
) -> Vec<FieldError> {
    let Err(errors) = result else {
        return Vec::new();
    };
    errors
        .field_errors()
        .into_iter()
        .flat_map(|(field, errors)| {
            let field = match &*field {
                "__all__" => String::new(),
                name => format!("{prefix}{name}"),
            };
            errors.iter().map(move |error| {
                let message = error.message.as_deref().unwrap_or(&error.code);
                FieldError::new(field.clone(), message)
            })
        })
        .collect()
}

/// The 422 answer listing `problems`, ordered by field.
pub fn invalid(mut problems: Vec<FieldError>) -> ApiError {
    problems.sort_by(|a, b| a.field.cmp(&b.field));
    ApiError::Validation(problems)
}

/// `Ok(value)` when no field failed, else the 422 listing them all, ordered by field.
pub fn valid_or<T>(problems: Vec<FieldError>, value: T) -> Result<T, ApiError> {
    match problems.is_empty() {
        true => Ok(value),
        false => Err(invalid(problems)),
    }
}
