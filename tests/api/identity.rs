//! Identity: sign-up with an e-mail code, tokens that really revoke, and the attacks they resist.

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bazaar_shared::auth::{AUDIENCE, AccessClaims, ISSUER};
use futures_util::future::join_all;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::support::{PASSWORD, PNG, TestApp, code_in, fresh_address, spawn_app};

#[tokio::test]
async fn register_verify_login_refresh_and_logout_revokes_at_once() {
    let app = spawn_app().await;
    let email = fresh_address();
    let registered = app.register(&email, "customer").await;
    assert_eq!(registered.status(), 201);
    let body: Value = registered.json().await.unwrap();
    assert_eq!(body["status"], "pending_verification");

    // Unverified accounts cannot sign in.
    assert_eq!(app.login(&email, PASSWORD).await.status(), 422);

    let mail = app.wait_for_mail(&email, 1).await;
    assert_eq!(mail[0].subject, "Your Bazaar verification code");
    let code = code_in(&mail[0].body).unwrap();
    let verified = app
        .post_json("/auth/verify", json!({"email": email, "code": code}))
        .await;
    assert_eq!(verified.status(), 200);
    // Single use.
    assert_eq!(
        app.post_json("/auth/verify", json!({"email": email, "code": code}))
            .await
            .status(),
        400
    );

    let user = app
        .sign_in(body["user_id"].as_str().unwrap(), &email, PASSWORD)
        .await;
    let me: Value = app.get_as("/me", &user.access).await.json().await.unwrap();
    assert_eq!(me["email"], email);
    assert_eq!(me["roles"], json!(["customer"]));
    assert!(me.get("password_hash").is_none());

    let refreshed = app
        .post_json("/auth/refresh", json!({"refresh_token": user.refresh}))
        .await;
    assert_eq!(refreshed.status(), 200);
    let pair: Value = refreshed.json().await.unwrap();
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(app.get_as("/me", access).await.status(), 200);

    let logout = app.post_as("/auth/logout", access, json!({})).await;
    assert_eq!(logout.status(), 204);
    for token in [access, user.access.as_str()] {
        let refused = app.get_as("/me", token).await;
        assert_eq!(refused.status(), 401);
        assert_eq!(
            refused.headers()["content-type"],
            "application/problem+json"
        );
    }
    let refresh_after = app
        .post_json(
            "/auth/refresh",
            json!({"refresh_token": pair["refresh_token"]}),
        )
        .await;
    assert_eq!(refresh_after.status(), 401);
}

#[tokio::test]
async fn fifty_concurrent_registrations_of_one_address_make_one_account() {
    let app = spawn_app().await;
    let email = fresh_address();
    let attempts = join_all((0..50).map(|_| app.register(&email, "member"))).await;
    let statuses: Vec<u16> = attempts.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    let owner = app
        .identity_store()
        .user_id_by_email(&email, app.stack.clock.now())
        .await
        .unwrap();
    assert!(owner.is_some());
    // Only the winner was mailed a code.
    app.wait_for_mail(&email, 1).await;
    app.wait_until_drained("MailQueue").await;
    assert_eq!(app.mail_to(&email).await.len(), 1);
}

fn claims(app_user: &str, typ: &str, iss: &str, aud: &str, offset: i64) -> AccessClaims {
    let now = time::OffsetDateTime::now_utc().unix_timestamp() + offset;
    AccessClaims {
        iss: iss.into(),
        aud: aud.into(),
        sub: app_user.into(),
        iat: now,
        nbf: now,
        exp: now + 600,
        jti: uuid::Uuid::new_v4().to_string(),
        typ: typ.into(),
        sid: "forged".into(),
        roles: vec![bazaar_shared::auth::Role::Admin],
        email: None,
    }
}

async fn refused(app: &TestApp, token: &str, what: &str) {
    let response = app.get_as("/me", token).await;
    assert_eq!(response.status(), 401, "{what} was accepted");
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn forged_expired_and_misdirected_tokens_are_refused() {
    let app = spawn_app().await;
    let user = app.signed_in_user("member").await;
    let keys = app.keys();
    let real_key =
        EncodingKey::from_ed_pem(keys["jwt_private_key"].as_str().unwrap().as_bytes()).unwrap();
    let sign = |c: &AccessClaims, key: &EncodingKey| {
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), c, key).unwrap()
    };
    let good = claims(&user.user_id, "access", ISSUER, AUDIENCE, 0);

    // alg: none
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&good).unwrap());
    refused(&app, &format!("{header}.{payload}."), "alg none").await;

    // Signed with another Ed25519 key.
    let (other_private, _) = bazaar_local::keys::ed25519_pem().unwrap();
    refused(
        &app,
        &sign(
            &good,
            &EncodingKey::from_ed_pem(other_private.as_bytes()).unwrap(),
        ),
        "another key",
    )
    .await;

    // HS256 with the public key as the HMAC secret (algorithm confusion).
    let public = keys["jwt_public_key"].as_str().unwrap();
    let hs = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &good,
        &EncodingKey::from_secret(public.as_bytes()),
    )
    .unwrap();
    refused(&app, &hs, "HS256 from the public key").await;

    // The real key, but expired, for another audience or issuer, or not an access token.
    refused(
        &app,
        &sign(
            &claims(&user.user_id, "access", ISSUER, AUDIENCE, -3600),
            &real_key,
        ),
        "expired",
    )
    .await;
    refused(
        &app,
        &sign(
            &claims(&user.user_id, "access", ISSUER, "someone-else", 0),
            &real_key,
        ),
        "wrong aud",
    )
    .await;
    refused(
        &app,
        &sign(
            &claims(&user.user_id, "access", "evil-issuer", AUDIENCE, 0),
            &real_key,
        ),
        "wrong iss",
    )
    .await;
    refused(
        &app,
        &sign(
            &claims(&user.user_id, "refresh", ISSUER, AUDIENCE, 0),
            &real_key,
        ),
        "wrong typ",
    )
    .await;
    // A well-signed token for a session that does not exist.
    refused(&app, &sign(&good, &real_key), "unknown session").await;
    // The refresh token as an access token.
    refused(&app, &user.refresh, "refresh token as access token").await;
    refused(&app, "garbage", "garbage").await;
    assert_eq!(app.get("/me").await.status(), 401);

    // The real token still works.
    assert_eq!(app.get_as("/me", &user.access).await.status(), 200);
}

#[tokio::test]
async fn reusing_a_refresh_token_revokes_the_whole_session() {
    let app = spawn_app().await;
    let user = app.signed_in_user("buyer").await;
    let first = app
        .post_json("/auth/refresh", json!({"refresh_token": user.refresh}))
        .await;
    assert_eq!(first.status(), 200);
    let pair: Value = first.json().await.unwrap();

    let replay = app
        .post_json("/auth/refresh", json!({"refresh_token": user.refresh}))
        .await;
    assert_eq!(replay.status(), 401);

    // The legitimate new pair dies with the family.
    assert_eq!(
        app.post_json(
            "/auth/refresh",
            json!({"refresh_token": pair["refresh_token"]})
        )
        .await
        .status(),
        401
    );
    assert_eq!(
        app.get_as("/me", pair["access_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn the_sixth_try_of_a_code_fails_even_when_right() {
    let app = spawn_app().await;
    let email = fresh_address();
    assert_eq!(app.register(&email, "student").await.status(), 201);
    let code = app.code_from_mail(&email, 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let attempt = app
            .post_json("/auth/verify", json!({"email": email, "code": wrong}))
            .await;
        assert_eq!(attempt.status(), 400);
    }
    let sixth = app
        .post_json("/auth/verify", json!({"email": email, "code": code}))
        .await;
    assert_eq!(sixth.status(), 400);
    assert_eq!(
        app.login(&email, PASSWORD).await.status(),
        422,
        "still unverified"
    );
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_address() {
    let app = spawn_app().await;
    let user = app.signed_in_user("member").await;
    for _ in 0..5 {
        let wrong = app.login(&user.email, "not my password at all").await;
        assert_eq!(wrong.status(), 401);
        let problem: Value = wrong.json().await.unwrap();
        assert_eq!(problem["detail"], "Invalid e-mail or password.");
    }
    let locked = app.login(&user.email, PASSWORD).await;
    assert_eq!(locked.status(), 429);
    assert!(
        locked.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );

    // Unknown addresses answer exactly like known ones.
    let unknown = app.login(&fresh_address(), "whatever password").await;
    assert_eq!(unknown.status(), 401);
    let problem: Value = unknown.json().await.unwrap();
    assert_eq!(problem["detail"], "Invalid e-mail or password.");
}

#[tokio::test]
async fn privileged_or_unknown_fields_never_grant_anything() {
    let app = spawn_app().await;
    let email = fresh_address();
    for role in ["admin", "broker", "mess_owner"] {
        let response = app.register(&email, role).await;
        assert_eq!(response.status(), 422, "role {role}");
    }
    let with_extra = app
        .post_json("/auth/register", json!({"email": email, "password": PASSWORD, "display_name": "M", "role": "member", "roles": ["admin"]}))
        .await;
    assert_eq!(with_extra.status(), 422);
    assert!(
        app.identity_store()
            .user_id_by_email(&email, app.stack.clock.now())
            .await
            .unwrap()
            .is_none(),
        "nothing was created"
    );

    let user = app.signed_in_user("member").await;
    for body in [
        json!({"role": "admin"}),
        json!({"roles": ["admin"]}),
        json!({"status": "active"}),
        json!({"email": "x@example.com"}),
    ] {
        let response = app
            .http
            .patch(app.url("/me"))
            .bearer_auth(&user.access)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{body}");
    }
    let renamed = app
        .http
        .patch(app.url("/me"))
        .bearer_auth(&user.access)
        .json(&json!({"display_name": "  Renamed  "}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    let me: Value = app.get_as("/me", &user.access).await.json().await.unwrap();
    assert_eq!(me["display_name"], "Renamed");
    assert_eq!(me["roles"], json!(["member"]));
}

#[tokio::test]
async fn weak_passwords_and_bad_fields_are_named_in_one_answer() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/auth/register",
            json!({"email": "not-an-address", "password": "password1", "display_name": ""}),
        )
        .await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password", "display_name"]);
}

async fn pictures_of(app: &TestApp, user_id: &str) -> usize {
    let listed = app
        .stack
        .aws
        .s3
        .list_objects_v2()
        .bucket(app.name_of("UploadsBucket"))
        .prefix(format!("avatars/{user_id}/"))
        .send()
        .await
        .unwrap();
    listed.contents().len()
}

#[tokio::test]
async fn profile_pictures_are_checked_by_content_and_size_and_served_by_link() {
    let app = spawn_app().await;
    let user = app.signed_in_user("member").await;
    let upload = |bytes: Vec<u8>, content_type: &'static str| {
        app.http
            .put(app.url("/me/avatar"))
            .bearer_auth(&user.access)
            .header("content-type", content_type)
            .body(bytes)
            .send()
    };

    let gif = upload(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(), "image/png")
        .await
        .unwrap();
    assert_eq!(gif.status(), 415);
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(2 * 1024 * 1024 + 1, 0);
    let oversize = upload(big, "image/jpeg").await.unwrap();
    assert_eq!(oversize.status(), 413);
    assert_eq!(
        oversize.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(pictures_of(&app, &user.user_id).await, 0, "nothing stored");
    let me: Value = app.get_as("/me", &user.access).await.json().await.unwrap();
    assert!(me.get("avatar_url").is_none());

    let stored = upload(PNG.to_vec(), "application/octet-stream")
        .await
        .unwrap();
    assert_eq!(stored.status(), 200);
    let profile: Value = stored.json().await.unwrap();
    let link = profile["avatar_url"].as_str().unwrap();
    assert!(link.contains("X-Amz-Expires=300"), "{link}");
    let fetched = app.http.get(link).send().await.unwrap();
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), PNG);

    // A new picture replaces the old one.
    assert_eq!(
        upload(PNG.to_vec(), "image/png").await.unwrap().status(),
        200
    );
    assert_eq!(pictures_of(&app, &user.user_id).await, 1);
}

#[tokio::test]
async fn thirty_parallel_wrong_passwords_get_five_checks_and_the_rest_are_refused_unchecked() {
    let app = spawn_app().await;
    let user = app.signed_in_user("member").await;

    let guesses = (0..30).map(|i| {
        let (app, email) = (&app, &user.email);
        async move { app.login(email, &format!("wrong guess number {i}")).await }
    });
    let answers = join_all(guesses).await;

    let checked = answers.iter().filter(|a| a.status() == 401).count();
    let refused = answers.iter().filter(|a| a.status() == 429).count();
    assert_eq!(
        (checked, refused),
        (5, 25),
        "every guess is either checked or refused"
    );
    // The failure record counts the attempts that reached the password check.
    let record = app
        .stack
        .aws
        .dynamodb
        .get_item()
        .table_name(app.name_of("IdentityTable"))
        .key("pk", AttributeValue::S(format!("LOGIN#{}", user.email)))
        .key("sk", AttributeValue::S("FAILURES".into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(record["count"], AttributeValue::N("5".into()));
    // The owner is locked out for the first step (a minute), not the maximum hour.
    let locked = app.login(&user.email, PASSWORD).await;
    assert_eq!(locked.status(), 429);
    let wait: u64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "locked for {wait} s");
}
