//! Bond values: denominations from configuration and 6-digit numbers.

use bazaar_shared::error::FieldError;
use bazaar_shared::{ConfigError, Env};

/// The denominations on sale when `BOND_DENOMINATIONS` does not say otherwise (rupees).
pub const DEFAULT_DENOMINATIONS: &str = "100,200,750,1500,7500,15000,25000,40000";

/// The configured set of denominations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denominations(Vec<u32>);

impl Denominations {
    /// `BOND_DENOMINATIONS`: comma-separated rupee values.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let raw = env
            .optional("BOND_DENOMINATIONS")
            .unwrap_or_else(|| DEFAULT_DENOMINATIONS.to_owned());
        let values = raw
            .split(',')
            .map(|v| v.trim().parse::<u32>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ConfigError::Invalid {
                name: "BOND_DENOMINATIONS".into(),
                reason: e.to_string(),
            })?;
        Ok(Self(values))
    }

    pub fn contains(&self, value: u32) -> bool {
        self.0.contains(&value)
    }

    /// A denomination a caller gave, or a field error listing the valid ones.
    pub fn parse(&self, field: &str, value: u32) -> Result<u32, FieldError> {
        if self.contains(value) {
            Ok(value)
        } else {
            Err(FieldError::new(
                field,
                format!("must be one of {}", self.list()),
            ))
        }
    }

    pub fn list(&self) -> String {
        self.0
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A bond number: exactly six ASCII digits, leading zeros kept (it is text, not an integer).
pub fn parse_number(field: &str, value: &str) -> Result<String, FieldError> {
    if value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "must be exactly 6 digits, like \"012345\"",
        ))
    }
}

/// Rupees with thousands separators: 1500000 → "1,500,000".
pub fn rupees(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_six_digits_with_leading_zeros_kept() {
        assert_eq!(parse_number("n", "000123").unwrap(), "000123");
        for bad in ["12345", "1234567", "12 456", "١٢٣٤٥٦", "-12345", ""] {
            assert!(parse_number("n", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn denominations_come_from_configuration() {
        let d = Denominations::from_env(&Env::default()).unwrap();
        assert!(d.contains(750) && !d.contains(751));
        let env = Env::from_map([("BOND_DENOMINATIONS".into(), "100, 200".into())].into());
        assert_eq!(Denominations::from_env(&env).unwrap().list(), "100, 200");
        let bad = Env::from_map([("BOND_DENOMINATIONS".into(), "100,x".into())].into());
        assert!(Denominations::from_env(&bad).is_err());
    }

    #[test]
    fn rupees_have_thousands_separators() {
        assert_eq!(rupees(1_500_000), "1,500,000");
        assert_eq!(rupees(9_300), "9,300");
        assert_eq!(rupees(750), "750");
    }
}
