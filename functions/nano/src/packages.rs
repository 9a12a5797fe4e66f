//! Prices from configuration: the coin packages sold through Stripe, and the withdrawal rate.

use bazaar_shared::{ConfigError, Env};
use serde::Serialize;
use utoipa::ToSchema;

/// What `NANO_COIN_PACKAGES` holds when unset: 10 coins per dollar, cheaper in bulk.
pub const DEFAULT_PACKAGES: &str = "small:100:1000,medium:500:4500,large:1000:8000";

/// A package of coins for sale, priced in US cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CoinPackage {
    pub name: String,
    pub coins: u64,
    pub price_cents: u64,
}

impl CoinPackage {
    /// `NANO_COIN_PACKAGES`: `name:coins:price_cents`, comma-separated (default
    /// [`DEFAULT_PACKAGES`]).
    pub fn from_env(env: &Env) -> Result<Vec<CoinPackage>, ConfigError> {
        let text = env
            .optional("NANO_COIN_PACKAGES")
            .unwrap_or_else(|| DEFAULT_PACKAGES.to_owned());
        Self::parse_all(&text).map_err(|reason| ConfigError::Invalid {
            name: "NANO_COIN_PACKAGES".into(),
            reason: reason.into(),
        })
    }

    fn parse_all(text: &str) -> Result<Vec<CoinPackage>, &'static str> {
        let mut packages: Vec<CoinPackage> = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let mut parts = entry.split(':').map(str::trim);
            let (Some(name), Some(coins), Some(price), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err("each package is name:coins:price_cents");
            };
            let valid_name = !name.is_empty()
                && name.len() <= 32
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            let coins: u64 = coins.parse().map_err(|_| "coins must be a whole number")?;
            let price_cents: u64 = price.parse().map_err(|_| "price must be whole cents")?;
            if !valid_name || coins == 0 || price_cents < 50 {
                return Err("names are letters, digits and dashes; coins > 0; price >= 50 cents");
            }
            if packages.iter().any(|p| p.name == name) {
                return Err("package names must differ");
            }
            packages.push(CoinPackage {
                name: name.to_owned(),
                coins,
                price_cents,
            });
        }
        match packages.is_empty() {
            true => Err("name at least one package"),
            false => Ok(packages),
        }
    }
}

/// How coins become money: the smallest withdrawal and the rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WithdrawalRules {
    pub min_coins: u64,
    pub coins_per_dollar: u64,
}

impl WithdrawalRules {
    /// `NANO_WITHDRAWAL_MIN_COINS` (default 200), `NANO_COINS_PER_DOLLAR` (default 20).
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let rules = Self {
            min_coins: env.parse_or("NANO_WITHDRAWAL_MIN_COINS", 200)?,
            coins_per_dollar: env.parse_or("NANO_COINS_PER_DOLLAR", 20)?,
        };
        if rules.coins_per_dollar == 0 || rules.min_coins == 0 {
            return Err(ConfigError::Invalid {
                name: "NANO_COINS_PER_DOLLAR".into(),
                reason: "the rate and the minimum must be positive".into(),
            });
        }
        Ok(rules)
    }

    /// What `coins` pay out, in US cents (rounded down).
    pub fn cents_for(&self, coins: u64) -> u64 {
        coins * 100 / self.coins_per_dollar
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_packages_parse() {
        let packages = CoinPackage::parse_all(DEFAULT_PACKAGES).unwrap();
        assert_eq!(packages.len(), 3);
        assert_eq!(packages[0].coins, 100);
        assert_eq!(packages[0].price_cents, 1000);
    }

    #[test]
    fn malformed_packages_are_refused() {
        for text in [
            "",
            "a:1",
            "a:0:100",
            "a:1:10",
            "a:1:100,a:2:200",
            "a b:1:100",
        ] {
            assert!(CoinPackage::parse_all(text).is_err(), "{text}");
        }
    }

    #[test]
    fn twenty_coins_pay_one_dollar() {
        let rules = WithdrawalRules {
            min_coins: 200,
            coins_per_dollar: 20,
        };
        assert_eq!(rules.cents_for(200), 1000);
        assert_eq!(rules.cents_for(210), 1050);
    }
}
