//! Passwords: the policy (8–128 characters, not a common password, no composition rules) and
//! argon2id hashing at OWASP's parameters, run off the async executor.

use std::collections::HashSet;
use std::sync::LazyLock;

use bazaar_shared::secret_hash::SecretHasher;
use validator::ValidationError;

use crate::fields::problem;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

/// Common passwords of 8+ characters (zxcvbn's list), compared case-insensitively.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

/// A password that meets the policy. Its `Debug` never shows it.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(..)")
    }
}

impl NewPassword {
    /// Checks the policy.
    pub fn parse(password: String) -> Result<Self, ValidationError> {
        let length = password.chars().count();
        if length < MIN_LENGTH {
            return Err(problem(
                "length",
                format!("must be at least {MIN_LENGTH} characters"),
            ));
        }
        if length > MAX_LENGTH {
            return Err(problem(
                "length",
                format!("must be at most {MAX_LENGTH} characters"),
            ));
        }
        if COMMON.contains(password.to_lowercase().as_str()) {
            return Err(problem("common", "is too common; choose another"));
        }
        Ok(Self(password))
    }
}

/// Hashes and checks account passwords (argon2id, see `bazaar_shared::secret_hash`).
#[derive(Clone, Debug, Default)]
pub struct Passwords(SecretHasher);

impl Passwords {
    pub fn new() -> Self {
        Self(SecretHasher::new())
    }

    /// The PHC string of a password that passed the policy.
    pub async fn hash(&self, password: &NewPassword) -> anyhow::Result<String> {
        self.0.hash(&password.0).await
    }

    /// Whether `password` matches `hash` (or, with no hash, spends the same time and says no).
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        self.0.verify(password, hash).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_length_and_commonness_only() {
        assert!(NewPassword::parse("short".into()).is_err());
        assert!(NewPassword::parse("x".repeat(129)).is_err());
        assert!(
            NewPassword::parse("Password1".into()).is_err(),
            "common, whatever the case"
        );
        assert!(NewPassword::parse("qwertyuiop".into()).is_err());
        assert!(NewPassword::parse("correct horse battery staple".into()).is_ok());
        assert!(
            NewPassword::parse("alllowercaseletters".into()).is_ok(),
            "no composition rules"
        );
    }

    #[tokio::test]
    async fn hashes_are_argon2id_at_owasp_parameters_and_verify() {
        let passwords = Passwords::new();
        let password = NewPassword::parse("a long enough secret".into()).unwrap();
        let hash = passwords.hash(&password).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            passwords
                .verify("a long enough secret", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !passwords
                .verify("another secret!!", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !passwords
                .verify("a long enough secret", None)
                .await
                .unwrap()
        );
    }
}
