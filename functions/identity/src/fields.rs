//! Parsed request fields: once a value has one of these types, it is valid.

use bazaar_shared::error::FieldError;
use validator::ValidateEmail;

/// A normalised (trimmed, lower-case) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        if email.len() > 254 || !email.validate_email() {
            return Err(FieldError::new(field, "must be a valid e-mail address"));
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
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let name = raw.trim();
        let length = name.chars().count();
        if length == 0 || length > 60 {
            return Err(FieldError::new(field, "must be 1 to 60 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(FieldError::new(
                field,
                "must not contain control characters",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A six-digit one-time code.
pub fn parse_code(field: &str, raw: &str) -> Result<String, FieldError> {
    let code = raw.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "must be the 6-digit code from the mail",
        ))
    }
}

/// Collects field errors: `Ok` with every value, or one 422 naming every bad field.
pub struct Fields(Vec<FieldError>);

impl Fields {
    pub fn new() -> Self {
        Self(Vec::new())
    }

    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn finish(self) -> Result<(), bazaar_shared::ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(bazaar_shared::ApiError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("email", "  Ann@Example.COM ")
                .unwrap()
                .as_str(),
            "ann@example.com"
        );
        for bad in ["", "ann", "ann@", "@example.com", "a b@example.com"] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_codes_are_bounded() {
        assert!(DisplayName::parse("n", "  ").is_err());
        assert!(DisplayName::parse("n", &"x".repeat(61)).is_err());
        assert!(DisplayName::parse("n", "Ann\u{0007}").is_err());
        assert_eq!(
            DisplayName::parse("n", " Ann ").unwrap().into_inner(),
            "Ann"
        );
        assert!(parse_code("code", "12345").is_err());
        assert!(parse_code("code", "12345a").is_err());
        assert_eq!(parse_code("code", "012345").unwrap(), "012345");
    }
}
