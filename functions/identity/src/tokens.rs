//! Issuing tokens: short-lived EdDSA access JWTs, and opaque rotating refresh tokens of the form
//! `<user>.<session>.<secret>` whose secret is stored only as a SHA-256 hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bazaar_shared::auth::{ACCESS_TOKEN_TYPE, AUDIENCE, AccessClaims, ISSUER, Role};
use bazaar_shared::{ConfigError, Env};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

/// Access tokens live 15 minutes; a session (refresh-token family) 30 days.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
pub const SESSION_TTL_SECS: i64 = 30 * 24 * 3600;

/// Signs access tokens with the private key, which only the identity functions hold.
#[derive(Clone)]
pub struct TokenIssuer {
    key: EncodingKey,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenIssuer { .. }")
    }
}

impl TokenIssuer {
    /// `JWT_PRIVATE_KEY`: Ed25519 private key, PKCS#8 PEM.
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let pem = env.required("JWT_PRIVATE_KEY")?;
        let key = EncodingKey::from_ed_pem(pem.as_bytes()).map_err(|e| ConfigError::Invalid {
            name: "JWT_PRIVATE_KEY".into(),
            reason: e.to_string(),
        })?;
        Ok(Self { key })
    }

    /// An access token for `user_id` in session `session_id`, valid from `now` for
    /// [`ACCESS_TTL_SECS`].
    pub fn access_token(
        &self,
        user_id: &str,
        email: &str,
        roles: &[Role],
        session_id: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<String> {
        let now = now.unix_timestamp();
        let claims = AccessClaims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: user_id.to_owned(),
            iat: now,
            nbf: now,
            exp: now + ACCESS_TTL_SECS,
            jti: uuid::Uuid::new_v4().to_string(),
            typ: ACCESS_TOKEN_TYPE.to_owned(),
            sid: session_id.to_owned(),
            roles: roles.to_vec(),
            email: Some(email.to_owned()),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::EdDSA),
            &claims,
            &self.key,
        )?)
    }
}

/// A refresh token as the client holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub user_id: String,
    pub session_id: String,
    pub secret: String,
}

impl RefreshToken {
    pub fn new(user_id: &str, session_id: &str) -> Self {
        Self {
            user_id: user_id.to_owned(),
            session_id: session_id.to_owned(),
            secret: random_secret(),
        }
    }

    pub fn parse(token: &str) -> Option<Self> {
        let mut parts = token.split('.');
        let (user_id, session_id, secret) = (parts.next()?, parts.next()?, parts.next()?);
        let ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        (parts.next().is_none() && ok(user_id) && ok(session_id) && ok(secret)).then(|| Self {
            user_id: user_id.to_owned(),
            session_id: session_id.to_owned(),
            secret: secret.to_owned(),
        })
    }

    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.user_id, self.session_id, self.secret)
    }
}

/// 256 random bits, base64url.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Six uniformly random digits.
pub fn otp_code() -> String {
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).expect("the OS random source is available");
        let n = u32::from_le_bytes(bytes);
        // Reject the top sliver so every code is equally likely.
        if n < u32::MAX - (u32::MAX % 1_000_000) {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// SHA-256, hex: how secrets and codes are stored.
pub fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two secrets in constant time.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_tokens_round_trip_and_garbage_is_refused() {
        let token = RefreshToken::new("u1", "s1");
        assert_eq!(RefreshToken::parse(&token.encode()), Some(token));
        for bad in ["", "a.b", "a.b.c.d", "a..c", "a.b.c d", "../x.y.z"] {
            assert_eq!(RefreshToken::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn access_tokens_are_dated_by_the_time_given_and_verify() {
        use bazaar_shared::auth::TokenVerifier;
        use bazaar_shared::identity::IdentityClient;
        use jsonwebtoken::DecodingKey;

        use crate::test_support::{TEST_PRIVATE_KEY, TEST_PUBLIC_KEY, init};

        let issuer =
            TokenIssuer::from_env(&init(&[("JWT_PRIVATE_KEY", TEST_PRIVATE_KEY)]).env).unwrap();
        let now = bazaar_shared::Clock::system().now() - time::Duration::seconds(60);
        let token = issuer
            .access_token("u1", "u1@example.com", &[Role::Member], "s1", now)
            .unwrap();
        let verifier = TokenVerifier::new(
            DecodingKey::from_ed_pem(TEST_PUBLIC_KEY.as_bytes()).unwrap(),
            IdentityClient::new(init(&[]).aws.dynamodb, "identity"),
        );
        let claims = verifier.decode(&token).unwrap();
        assert_eq!(claims.iat, now.unix_timestamp());
        assert_eq!(claims.exp, now.unix_timestamp() + ACCESS_TTL_SECS);
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("u1", "s1"));
        assert_eq!(claims.email.as_deref(), Some("u1@example.com"));
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let code = otp_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
