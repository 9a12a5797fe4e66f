//! Broker requests, decisions and store profiles.

use bazaar_shared::ApiError;
use bazaar_shared::error::{FieldError, field_errors, invalid, valid_or};
use bazaar_shared::pagination::PageQuery;
use serde::{Deserialize, Deserializer};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationError};

use bazaar_shared::rules::{trimmed, trimmed_option};

use super::page;
use crate::model::ShopRecord;
use crate::store::keys::city_key;

/// An e-mail address, trimmed and lower-cased.
fn lowercased<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(trimmed(deserializer)?.to_lowercase())
}

/// Line breaks are fine in a description; other control characters are not.
fn no_control(value: &str) -> Result<(), ValidationError> {
    if value.chars().any(|c| c.is_control() && c != '\n') {
        Err(ValidationError::new("control").with_message("must not hold control characters".into()))
    } else {
        Ok(())
    }
}

/// 7 to 15 digits, with spaces, `+`, `-` and parentheses allowed between them.
fn phone_number(value: &str) -> Result<(), ValidationError> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if (7..=15).contains(&digits) && allowed {
        Ok(())
    } else {
        Err(ValidationError::new("phone")
            .with_message("must be a phone number of 7 to 15 digits".into()))
    }
}

/// `POST /broker-requests`: an application to become a broker.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequestBody {
    /// Years and kind of trading experience (1–500 characters).
    #[serde(deserialize_with = "trimmed")]
    #[validate(length(min = 1, max = 500, message = "must be 1 to 500 characters"))]
    pub experience: String,
    /// Why, and where the store would be (1–2000 characters).
    #[serde(deserialize_with = "trimmed")]
    #[validate(length(min = 1, max = 2000, message = "must be 1 to 2000 characters"))]
    pub description: String,
}

impl NewRequestBody {
    /// The application, trimmed and checked.
    pub fn parse(self) -> Result<Self, ApiError> {
        valid_or(field_errors(self.validate()), self)
    }
}

/// `POST /admin/broker-requests/{id}/approve|reject`: the decision's reason (required to
/// reject, optional to approve).
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// 1–1000 characters.
    #[serde(default, deserialize_with = "trimmed_option")]
    #[validate(length(min = 1, max = 1000, message = "must be 1 to 1000 characters"))]
    pub reason: Option<String>,
}

impl DecisionBody {
    /// An approval's reason, if any.
    pub fn approval(self) -> Result<Option<String>, ApiError> {
        valid_or(field_errors(self.validate()), self.reason)
    }

    /// A rejection's reason, which it must have.
    pub fn rejection(self) -> Result<String, ApiError> {
        match self.approval()? {
            Some(reason) => Ok(reason),
            None => Err(invalid(vec![FieldError::new(
                "reason",
                "say why the request is rejected",
            )])),
        }
    }
}

/// `PUT /stores/mine`: a store profile (all fields; a save replaces the profile).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreProfileBody {
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "no_control")
    )]
    pub name: String,
    #[serde(default, deserialize_with = "trimmed")]
    #[validate(
        length(max = 1000, message = "must be at most 1000 characters"),
        custom(function = "no_control")
    )]
    pub description: String,
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 60, message = "must be 1 to 60 characters"),
        custom(function = "no_control")
    )]
    pub city: String,
    #[serde(deserialize_with = "trimmed")]
    #[validate(
        length(min = 1, max = 80, message = "must be 1 to 80 characters"),
        custom(function = "no_control")
    )]
    pub area: String,
    #[serde(deserialize_with = "trimmed")]
    #[validate(custom(function = "phone_number"))]
    pub phone: String,
    #[serde(deserialize_with = "lowercased")]
    #[validate(
        email(message = "must be a valid e-mail address"),
        length(max = 254, message = "must be a valid e-mail address")
    )]
    pub email: String,
}

impl StoreProfileBody {
    /// The profile, checked.
    pub fn parse(self) -> Result<Self, ApiError> {
        valid_or(field_errors(self.validate()), self)
    }

    /// The store record of `user_id` with this profile, saved `now`; `created_at` is kept
    /// from the profile it replaces.
    pub fn record(
        self,
        user_id: &str,
        created_at: Option<String>,
        now: OffsetDateTime,
    ) -> ShopRecord {
        let now = bazaar_shared::dynamo::timestamp(now);
        ShopRecord {
            user_id: user_id.to_owned(),
            name: self.name,
            description: self.description,
            city: self.city,
            area: self.area,
            phone: self.phone,
            email: self.email,
            created_at: created_at.unwrap_or_else(|| now.clone()),
            updated_at: now,
        }
    }
}

/// `GET /stores` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StoreFilter {
    /// Only stores in this city (case and spacing do not matter).
    pub city: Option<String>,
    pub limit: Option<u16>,
    pub cursor: Option<String>,
}

impl StoreFilter {
    /// The city asked for, as the directory keys it.
    pub fn city(&self) -> Option<String> {
        self.city.as_deref().map(city_key).filter(|c| !c.is_empty())
    }

    pub fn page(&self) -> PageQuery {
        page(self.limit, &self.cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(phone: &str, email: &str) -> StoreProfileBody {
        serde_json::from_value(serde_json::json!({
            "name": "  Saddar Bonds ", "city": "Karachi", "area": "Saddar",
            "phone": phone, "email": email,
        }))
        .unwrap()
    }

    #[test]
    fn a_profile_is_trimmed_and_its_address_lower_cased() {
        let parsed = profile("+92 21 3456 7890", " Shop@Example.COM")
            .parse()
            .unwrap();
        assert_eq!(
            (parsed.name.as_str(), parsed.email.as_str()),
            ("Saddar Bonds", "shop@example.com")
        );
        assert_eq!(parsed.description, "");
    }

    #[test]
    fn a_bad_phone_and_address_are_both_reported() {
        let Err(ApiError::Validation(errors)) = profile("call me", "nope").parse() else {
            panic!("expected a validation error");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "phone"]);
    }

    #[test]
    fn a_rejection_needs_a_reason_and_blank_reasons_are_refused() {
        assert!(DecisionBody::default().rejection().is_err());
        assert_eq!(DecisionBody::default().approval().unwrap(), None);
        let blank = DecisionBody {
            reason: Some(String::new()),
        };
        assert!(blank.approval().is_err());
    }
}
