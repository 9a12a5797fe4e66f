//! Requests, and their parsing into values that are valid by construction, before any I/O.
//! Bodies refuse unknown fields, so `owner`, `status` or `user_id` can never be set by a
//! client. Field rules are declared with `validator`; rules that need configuration (the
//! denominations on sale) or give one error per list element are checked by hand beside them.
//! Broker requests and stores are in [`brokers`].

pub mod brokers;

use bazaar_shared::error::{FieldError, field_errors, invalid, valid_or};
use bazaar_shared::pagination::PageQuery;
use bazaar_shared::{ApiError, ConfigError, Env};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// Most numbers one request may add.
pub const MAX_NUMBERS_PER_REQUEST: u64 = 100;

/// The denominations on sale when `BOND_DENOMINATIONS` does not say otherwise (rupees).
pub const DEFAULT_DENOMINATIONS: &str = "100,200,750,1500,7500,15000,25000,40000";

/// The configured set of denominations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denominations(Vec<u32>);

impl Denominations {
    /// `BOND_DENOMINATIONS`: comma-separated rupee values (optional).
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BondNumber(String);

impl BondNumber {
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        if value.len() == 6 && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                field,
                "must be exactly 6 digits, like \"012345\"",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `POST /bonds`: one denomination and up to 100 numbers.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBondsBody {
    /// One of the denominations on sale.
    pub denomination: u32,
    /// 1 to 100 six-digit numbers; repeats are ignored.
    #[validate(length(min = 1, max = MAX_NUMBERS_PER_REQUEST, message = "give 1 to 100 numbers"))]
    pub numbers: Vec<String>,
}

/// Bonds to add, checked.
#[derive(Debug, Clone)]
pub struct NewBonds {
    pub denomination: u32,
    /// Distinct, in the order given.
    pub numbers: Vec<BondNumber>,
}

impl NewBondsBody {
    pub fn parse(self, denominations: &Denominations) -> Result<NewBonds, ApiError> {
        let mut errors = field_errors(self.validate());
        // An unknown denomination is reported; the placeholder never leaves `finish`.
        let denomination = denominations
            .parse("denomination", self.denomination)
            .unwrap_or_else(|e| {
                errors.push(e);
                0
            });
        let mut numbers: Vec<BondNumber> = Vec::new();
        for (i, raw) in self.numbers.iter().enumerate() {
            match BondNumber::parse(&format!("numbers.{i}"), raw) {
                Ok(n) if !numbers.contains(&n) => numbers.push(n),
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        valid_or(
            errors,
            NewBonds {
                denomination,
                numbers,
            },
        )
    }
}

/// `PATCH /bonds/{id}`: the new number of a bond.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberChangeBody {
    pub number: String,
}

impl NumberChangeBody {
    pub fn parse(self) -> Result<BondNumber, ApiError> {
        BondNumber::parse("number", &self.number).map_err(|e| invalid(vec![e]))
    }
}

/// A bond's id in a path: `<denomination>-<number>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BondId {
    pub denomination: u32,
    pub number: BondNumber,
}

impl BondId {
    /// The id, or 404: an id that cannot exist names no bond.
    pub fn parse(id: &str) -> Result<Self, ApiError> {
        let not_found = || ApiError::not_found("No such bond.");
        let (d, n) = id.split_once('-').ok_or_else(not_found)?;
        Ok(Self {
            denomination: d.parse().map_err(|_| not_found())?,
            number: BondNumber::parse("id", n).map_err(|_| not_found())?,
        })
    }
}

/// `GET /bonds` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BondFilter {
    /// Only bonds of this denomination.
    pub denomination: Option<u32>,
    pub limit: Option<u16>,
    pub cursor: Option<String>,
}

impl BondFilter {
    pub fn page(&self) -> PageQuery {
        page(self.limit, &self.cursor)
    }
}

/// `GET /draws` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DrawFilter {
    pub denomination: Option<u32>,
    /// Draws of this year (`2026`).
    pub year: Option<u16>,
    /// With `year`: draws of this month (1–12).
    pub month: Option<u8>,
    pub limit: Option<u16>,
    pub cursor: Option<String>,
}

impl DrawFilter {
    /// The date prefix the filter asks for (`2026-` or `2026-02-`), or a 422.
    pub fn period(&self) -> Result<Option<String>, ApiError> {
        match (self.year, self.month) {
            (None, None) => Ok(None),
            (Some(y), None) if (1000..=9999).contains(&y) => Ok(Some(format!("{y}-"))),
            (Some(y), Some(m)) if (1000..=9999).contains(&y) && (1..=12).contains(&m) => {
                Ok(Some(format!("{y}-{m:02}-")))
            }
            _ => Err(invalid(vec![FieldError::new(
                "month",
                "give a 4-digit year, and optionally a month 1–12 with it",
            )])),
        }
    }

    pub fn page(&self) -> PageQuery {
        page(self.limit, &self.cursor)
    }
}

/// Paging of a filter with its own fields.
pub fn page(limit: Option<u16>, cursor: &Option<String>) -> PageQuery {
    PageQuery {
        limit,
        cursor: cursor.clone(),
    }
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;
