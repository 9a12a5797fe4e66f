//! Passwords: the policy (8–128 characters, not a common password, no composition rules) and
//! argon2id hashing at OWASP's parameters, run off the async executor.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock};

use anyhow::Context;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
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

/// argon2id with m = 19 MiB, t = 2, p = 1 (OWASP's minimum).
#[derive(Clone)]
pub struct Passwords {
    argon: Arc<Argon2<'static>>,
    /// A hash of a random password: unknown accounts are checked against it so that a login
    /// takes as long whether or not the account exists.
    dummy: Arc<String>,
}

impl std::fmt::Debug for Passwords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passwords")
    }
}

impl Passwords {
    /// Sets up the hasher; the parameters are constants, so this cannot fail at run time.
    pub fn new() -> Self {
        let params =
            Params::new(19 * 1024, 2, 1, None).expect("OWASP's argon2 parameters are valid");
        let argon = Arc::new(Argon2::new(Algorithm::Argon2id, Version::V0x13, params));
        let dummy = hash_with(&argon, &uuid::Uuid::new_v4().to_string())
            .expect("argon2 hashes a random password with valid parameters");
        Self {
            argon,
            dummy: Arc::new(dummy),
        }
    }

    /// The PHC string of `password`.
    pub async fn hash(&self, password: &NewPassword) -> anyhow::Result<String> {
        let argon = self.argon.clone();
        let password = password.0.clone();
        tokio::task::spawn_blocking(move || hash_with(&argon, &password))
            .await
            .context("password hashing task")?
    }

    /// Whether `password` matches `hash` (or, with no hash, spends the same time and says no).
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let argon = self.argon.clone();
        let password = password.to_owned();
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (self.dummy.as_ref().clone(), false),
        };
        let matches = tokio::task::spawn_blocking(move || {
            let parsed =
                PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            Ok::<_, anyhow::Error>(argon.verify_password(password.as_bytes(), &parsed).is_ok())
        })
        .await
        .context("password verification task")??;
        Ok(real && matches)
    }
}

fn hash_with(argon: &Argon2<'_>, password: &str) -> anyhow::Result<String> {
    Ok(argon
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?
        .to_string())
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
