//! Secrets people type (passwords, PINs): argon2id at OWASP's minimum (m = 19 MiB, t = 2,
//! p = 1), run off the async executor. A check without a stored hash (an unknown account, a
//! student without a PIN) spends the same time on a dummy hash and says no, so the answer's
//! timing does not tell whether there was one.
//!
//! The dummy is a constant PHC string with the same parameters, not a hash made at init: a
//! verification costs the same whatever the stored digest is (argon2 hashes the typed secret
//! with the string's salt and parameters, then compares), and the answer without a stored hash
//! is no whatever the comparison says. Hashing one at init cost a cold start ~30 ms (`make
//! bench`, README "Benchmarks").

use std::sync::Arc;

use anyhow::Context;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// What a check without a stored hash verifies against: OWASP's parameters, as every stored
/// hash has them; salt and digest are arbitrary.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$YmF6YWFyLWR1bW15LXNhbHQ$\
                          bm8gc3VjaCBhY2NvdW50OiBjaGVja2VkIGFueXdheS4";

/// Hashes and checks typed secrets; built once per cold start, at no cost.
#[derive(Clone)]
pub struct SecretHasher {
    argon: Arc<Argon2<'static>>,
}

impl std::fmt::Debug for SecretHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretHasher")
    }
}

impl Default for SecretHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretHasher {
    /// The parameters are constants, so this cannot fail at run time.
    pub fn new() -> Self {
        let params =
            Params::new(19 * 1024, 2, 1, None).expect("OWASP's argon2 parameters are valid");
        let argon = Arc::new(Argon2::new(Algorithm::Argon2id, Version::V0x13, params));
        Self { argon }
    }

    /// The PHC string of `secret`.
    pub async fn hash(&self, secret: &str) -> anyhow::Result<String> {
        let (argon, secret) = (self.argon.clone(), secret.to_owned());
        tokio::task::spawn_blocking(move || hash_with(&argon, &secret))
            .await
            .context("hashing task")?
    }

    /// Whether `secret` matches `hash` (with no hash: the same work, and no).
    pub async fn verify(&self, secret: &str, hash: Option<&str>) -> anyhow::Result<bool> {
        let argon = self.argon.clone();
        let secret = secret.to_owned();
        let (hash, real) = match hash {
            Some(h) => (h.to_owned(), true),
            None => (DUMMY_HASH.to_owned(), false),
        };
        let matches = tokio::task::spawn_blocking(move || {
            let parsed =
                PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            Ok::<_, anyhow::Error>(argon.verify_password(secret.as_bytes(), &parsed).is_ok())
        })
        .await
        .context("verification task")??;
        Ok(real && matches)
    }
}

fn hash_with(argon: &Argon2<'_>, secret: &str) -> anyhow::Result<String> {
    Ok(argon
        .hash_password(secret.as_bytes())
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_at_owasp_parameters_and_verify() {
        let hasher = SecretHasher::new();
        let hash = hasher.hash("a long enough secret").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            hasher
                .verify("a long enough secret", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("another secret!!", Some(&hash))
                .await
                .unwrap()
        );
        assert!(!hasher.verify("a long enough secret", None).await.unwrap());
    }

    /// Without a stored hash the same argon2 work is done: the dummy parses, with the very
    /// parameters (and so the cost) of a real hash.
    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let dummy = PasswordHash::new(DUMMY_HASH).unwrap();
        let hasher = SecretHasher::new();
        let real = hash_with(&hasher.argon, "a long enough secret").unwrap();
        let real = PasswordHash::new(&real).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
        assert!(
            hasher
                .argon
                .verify_password(b"a long enough secret", &dummy)
                .is_err()
        );
    }
}
