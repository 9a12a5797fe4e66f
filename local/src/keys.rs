//! Key material for a stage: the Ed25519 pair that signs and verifies access tokens, and the
//! key that signs pagination cursors. The local stack makes a fresh set per stack; for AWS,
//! `bazaar-local keys` prints one to store in Secrets Manager as `bazaar/<stage>/keys`.

use anyhow::anyhow;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The secret's JSON: `jwt_private_key` and `jwt_public_key` (PEM), `pagination_key`.
pub fn generate() -> anyhow::Result<serde_json::Value> {
    let (private_pem, public_pem) = ed25519_pem()?;
    let mut cursor_key = [0u8; 32];
    SystemRandom::new()
        .fill(&mut cursor_key)
        .map_err(|_| anyhow!("no randomness"))?;
    Ok(serde_json::json!({
        "jwt_private_key": private_pem,
        "jwt_public_key": public_pem,
        "pagination_key": URL_SAFE_NO_PAD.encode(cursor_key),
    }))
}

/// A new Ed25519 key pair as (PKCS#8 private key PEM, SubjectPublicKeyInfo PEM).
pub fn ed25519_pem() -> anyhow::Result<(String, String)> {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
        .map_err(|_| anyhow!("key generation failed"))?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
        .map_err(|_| anyhow!("generated key unreadable"))?;
    // SubjectPublicKeyInfo for Ed25519: the algorithm identifier (OID 1.3.101.112), then the key.
    let mut spki = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    spki.extend_from_slice(pair.public_key().as_ref());
    Ok((pem("PRIVATE KEY", pkcs8.as_ref()), pem("PUBLIC KEY", &spki)))
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("base64 is ASCII"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}
