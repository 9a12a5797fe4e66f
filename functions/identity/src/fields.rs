//! Request fields: the types a checked value has, and the checks `validator` runs on request
//! bodies (`#[validate(custom(function = ...))]`), each of which is the parse of its type.

use std::borrow::Cow;

use bazaar_shared::ApiError;
use bazaar_shared::auth::Role;
use bazaar_shared::error::{FieldError, field_errors, invalid};
use validator::{Validate, ValidateEmail, ValidationError};

use crate::password::NewPassword;

/// A normalised (trimmed, lower-case) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let email = raw.trim().to_lowercase();
        if email.len() > 254 || !email.validate_email() {
            return Err(problem("email", "must be a valid e-mail address"));
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: 1 to 60 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let name = raw.trim();
        let length = name.chars().count();
        if length == 0 || length > 60 {
            return Err(problem("length", "must be 1 to 60 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(problem("control", "must not contain control characters"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A six-digit one-time code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let code = raw.trim();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(problem("code", "must be the 6-digit code from the mail"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A role a person may choose at sign-up; the others are granted by an admin.
pub fn self_service(role: &Role) -> Result<(), ValidationError> {
    if role.is_self_service() {
        Ok(())
    } else {
        Err(problem(
            "role",
            format!("{} cannot be chosen; an admin grants it", role.as_str()),
        ))
    }
}

/// The checks named in `#[validate(custom(function = ...))]`.
pub fn email(raw: &str) -> Result<(), ValidationError> {
    Email::parse(raw).map(drop)
}

pub fn display_name(raw: &str) -> Result<(), ValidationError> {
    DisplayName::parse(raw).map(drop)
}

pub fn code(raw: &str) -> Result<(), ValidationError> {
    Code::parse(raw).map(drop)
}

pub fn new_password(raw: &str) -> Result<(), ValidationError> {
    NewPassword::parse(raw.to_owned()).map(drop)
}

/// A problem with one field: a code for machines and the message the caller reads.
pub fn problem(code: &'static str, message: impl Into<Cow<'static, str>>) -> ValidationError {
    ValidationError::new(code).with_message(message.into())
}

/// A request body checked with `validator`, whose problems are answered all at once, in the
/// order its fields are declared (the form's order, which callers show; `validator` keeps no
/// order, and the shared `invalid` sorts by name).
pub trait Checked: Validate {
    /// The body's fields, in declaration order.
    const FIELDS: &'static [&'static str];

    /// `Ok`, or one 422 naming every bad field.
    fn check(&self) -> Result<(), ApiError> {
        let mut problems = field_errors(self.validate());
        if problems.is_empty() {
            return Ok(());
        }
        problems.sort_by_key(|p| Self::FIELDS.iter().position(|f| *f == p.field));
        Err(ApiError::Validation(problems))
    }
}

/// A field of a body that passed [`Checked::check`], as its type. Its parse cannot fail then;
/// if it ever did, the caller would still get the field's 422, not a panic.
pub fn checked<T>(field: &str, parsed: Result<T, ValidationError>) -> Result<T, ApiError> {
    parsed.map_err(|p| {
        let message = p.message.unwrap_or(p.code);
        invalid(vec![FieldError::new(field, message)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in ["", "ann", "ann@", "@example.com", "a b@example.com"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_codes_are_bounded() {
        assert!(DisplayName::parse("  ").is_err());
        assert!(DisplayName::parse(&"x".repeat(61)).is_err());
        assert!(DisplayName::parse("Ann\u{0007}").is_err());
        assert_eq!(DisplayName::parse(" Ann ").unwrap().into_inner(), "Ann");
        assert!(Code::parse("12345").is_err());
        assert!(Code::parse("12345a").is_err());
        assert_eq!(Code::parse("012345").unwrap().as_str(), "012345");
    }

    #[derive(Validate)]
    struct Body {
        #[validate(custom(function = "email"))]
        email: String,
        #[validate(custom(function = "new_password"))]
        password: String,
        #[validate(custom(function = "display_name"))]
        display_name: String,
        #[validate(custom(function = "self_service"))]
        role: Option<Role>,
    }

    impl Checked for Body {
        const FIELDS: &'static [&'static str] = &["email", "password", "display_name", "role"];
    }

    #[test]
    fn every_bad_field_is_named_in_declaration_order_with_its_message() {
        let body = Body {
            email: "not-an-address".into(),
            password: "password1".into(),
            display_name: String::new(),
            role: Some(Role::Admin),
        };
        let Err(ApiError::Validation(errors)) = body.check() else {
            panic!("the body is invalid")
        };
        assert_eq!(
            errors,
            [
                FieldError::new("email", "must be a valid e-mail address"),
                FieldError::new("password", "is too common; choose another"),
                FieldError::new("display_name", "must be 1 to 60 characters"),
                FieldError::new("role", "admin cannot be chosen; an admin grants it"),
            ]
        );
        let fine = Body {
            email: "ann@example.com".into(),
            password: "correct horse battery staple".into(),
            display_name: "Ann".into(),
            role: None,
        };
        assert!(fine.check().is_ok());
    }
}
