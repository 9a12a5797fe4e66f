//! Secrets people type (passwords, PINs): argon2id at OWASP's minimum (m = 19 MiB, t = 2,
//! p = 1), run off the async executor. A check without a stored hash (an unknown account, a
//! student without a PIN) spends the same time on a dummy hash and says no, so the answer's
//! timing does not tell whether there was one.

use std::sync::Arc;

use anyhow::Context;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// Hashes and checks typed secrets; built once per cold start (the dummy hash costs one hash).
#[derive(Clone)]
pub struct SecretHasher {
    argon: Arc<Argon2<'static>>,
    dummy: Arc<String>,
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
        let dummy = hash_with(&argon, &uuid::Uuid::new_v4().to_string())
            .expect("argon2 hashes a random secret with valid parameters");
        Self {
            argon,
            dummy: Arc::new(dummy),
        }
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
            None => (self.dummy.as_ref().clone(), false),
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
}
