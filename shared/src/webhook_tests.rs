use super::*;
use axum::http::HeaderValue;

const SECRET: &str = "whsec_test";
const BODY: &[u8] = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

fn stripe() -> WebhookVerifier {
    let tolerance = Duration::from_secs(300);
    WebhookVerifier::new(SECRET.into(), Scheme::Stripe { tolerance })
}

fn headers(name: &'static str, value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(name, HeaderValue::from_str(value).unwrap());
    headers
}

fn stripe_header(t: i64, body: &[u8]) -> String {
    let v1 = sign_hex(SECRET.as_bytes(), &[format!("{t}.").as_bytes(), body]);
    format!("t={t},v1={v1}")
}

#[test]
fn a_stripe_delivery_signed_with_the_secret_passes_and_any_v1_may_match() {
    let t = 1_795_428_000;
    let good = stripe_header(t, BODY);
    assert_eq!(
        stripe().verify(&headers("stripe-signature", &good), BODY, at(t + 10)),
        Ok(())
    );
    let rotated = format!(
        "t={t},v1={},{}",
        "ab".repeat(32),
        &good[good.find("v1").unwrap()..]
    );
    let headers = headers("stripe-signature", &rotated);
    assert_eq!(stripe().verify(&headers, BODY, at(t)), Ok(()));
}

#[test]
fn a_stripe_delivery_with_a_changed_body_old_timestamp_or_no_header_is_refused() {
    let t = 1_795_428_000;
    let header = headers("stripe-signature", &stripe_header(t, BODY));
    let reformatted = br#"{"id": "evt_1", "type": "checkout.session.completed"}"#;
    assert_eq!(
        stripe().verify(&header, reformatted, at(t)),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        stripe().verify(&header, BODY, at(t + 301)),
        Err(SignatureError::Stale)
    );
    assert_eq!(
        stripe().verify(&header, BODY, at(t - 301)),
        Err(SignatureError::Stale)
    );
    let none = HeaderMap::new();
    assert_eq!(
        stripe().verify(&none, BODY, at(t)),
        Err(SignatureError::Missing)
    );
    let junk = headers("stripe-signature", "t=abc,v1=zz");
    assert_eq!(
        stripe().verify(&junk, BODY, at(t)),
        Err(SignatureError::Malformed)
    );
}

#[test]
fn a_body_hex_signature_must_match_the_raw_body() {
    let verifier = WebhookVerifier::new(
        SECRET.into(),
        Scheme::BodyHex {
            header: "x-razorpay-signature",
        },
    );
    let now = at(0);
    let good = sign_hex(SECRET.as_bytes(), &[BODY]);
    let ok = headers("x-razorpay-signature", &good);
    assert_eq!(verifier.verify(&ok, BODY, now), Ok(()));
    let other = sign_hex(b"another secret", &[BODY]);
    let forged = headers("x-razorpay-signature", &other);
    assert_eq!(
        verifier.verify(&forged, BODY, now),
        Err(SignatureError::Mismatch)
    );
    let short = headers("x-razorpay-signature", &good[..10]);
    assert_eq!(
        verifier.verify(&short, BODY, now),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn the_razorpay_payment_signature_is_the_hmac_of_order_and_payment_ids() {
    // Razorpay's documented check: HMAC-SHA256(key_secret, order_id + "|" + payment_id).
    let signature = sign_hex(b"key_secret", &[b"order_1|pay_1"]);
    assert!(matches_hex(
        b"key_secret",
        &[b"order_1", b"|", b"pay_1"],
        &signature
    ));
    assert!(!matches_hex(b"key_secret", &[b"order_2|pay_1"], &signature));
}

#[test]
fn a_header_stuffed_with_candidates_or_an_absurd_timestamp_is_refused() {
    let t = 1_795_428_000;
    let stuffed = format!("t={t},{}", vec!["v1=00"; 1_700].join(","));
    let header = headers("stripe-signature", &stuffed);
    assert_eq!(
        stripe().verify(&header, BODY, at(t)),
        Err(SignatureError::Malformed)
    );
    // Nine full-length candidates, the right one last: still more than a delivery carries.
    let good = stripe_header(t, BODY);
    let nine = format!(
        "t={t},{},{}",
        vec![format!("v1={}", "ab".repeat(32)); 8].join(","),
        &good[good.find("v1").unwrap()..]
    );
    let header = headers("stripe-signature", &nine);
    assert_eq!(
        stripe().verify(&header, BODY, at(t)),
        Err(SignatureError::Malformed)
    );
    let absurd = headers("stripe-signature", "t=-9223372036854775808,v1=00");
    assert_eq!(
        stripe().verify(&absurd, BODY, at(t)),
        Err(SignatureError::Stale)
    );
}

#[test]
fn the_hmac_is_sha256_by_a_known_answer() {
    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    assert_eq!(
        sign_hex(b"Jefe", &[b"what do ya ", b"want for nothing?"]),
        expected
    );
    assert!(matches_hex(
        b"Jefe",
        &[b"what do ya want for nothing?"],
        expected
    ));
}
