//! Typed configuration, loaded once at cold start.
//!
//! On Lambda the source is the process environment. The local stack runs every function in one
//! process, so it hands each function the variables it resolved from that function's entry in
//! `template.yaml` instead; both paths go through [`Env`].

use std::collections::HashMap;
use std::str::FromStr;

use secrecy::SecretString;

/// A set of configuration variables for one function.
#[derive(Clone, Debug, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

/// A configuration problem, naming the variable so a deploy fails fast and clearly.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("missing required environment variable {0}")]
    Missing(String),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: String, reason: String },
}

impl Env {
    /// The variables of this process (what Lambda gives a function).
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars().collect(),
        }
    }

    pub fn from_map(vars: HashMap<String, String>) -> Self {
        Self { vars }
    }

    /// A variable that must be present and non-empty.
    pub fn required(&self, name: &str) -> Result<String, ConfigError> {
        self.optional(name)
            .ok_or_else(|| ConfigError::Missing(name.to_owned()))
    }

    /// A variable that may be absent; an empty value counts as absent.
    pub fn optional(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .filter(|v| !v.trim().is_empty())
            .cloned()
    }

    /// A secret: wrapped so that it never reaches a log line through `Debug`.
    pub fn secret(&self, name: &str) -> Result<SecretString, ConfigError> {
        self.required(name).map(SecretString::from)
    }

    /// A parsed variable with a default for when it is absent.
    pub fn parse_or<T>(&self, name: &str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        match self.optional(name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|e: T::Err| ConfigError::Invalid {
                    name: name.to_owned(),
                    reason: e.to_string(),
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_missing_or_blank_variable_is_named_in_the_error() {
        let e = env(&[("BLANK", "  ")]);
        assert_eq!(
            e.required("TABLE").unwrap_err().to_string(),
            "missing required environment variable TABLE"
        );
        assert_eq!(
            e.required("BLANK"),
            Err(ConfigError::Missing("BLANK".into()))
        );
    }

    #[test]
    fn parse_or_uses_the_default_only_when_absent() {
        let e = env(&[("N", "12"), ("BAD", "x")]);
        assert_eq!(e.parse_or("N", 3u32), Ok(12));
        assert_eq!(e.parse_or("OTHER", 3u32), Ok(3));
        assert!(
            matches!(e.parse_or("BAD", 3u32), Err(ConfigError::Invalid { name, .. }) if name == "BAD")
        );
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let e = env(&[("KEY", "hunter2-hunter2")]);
        let secret = e.secret("KEY").unwrap();
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}
