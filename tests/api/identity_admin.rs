//! User administration, the audit trail, and password reset and change.

use bazaar_identity::store::{Status, WriteError};
use serde_json::{Value, json};

use crate::support::{PASSWORD, fresh_address, spawn_app, template_routes};

/// Every admin route of the template, with its path parameters filled in.
fn admin_routes(user_id: &str) -> Vec<(String, String)> {
    template_routes()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/admin"))
        .map(|(method, path)| {
            (
                method,
                path.replace("{id}", user_id).replace("{role}", "organizer"),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_admin_route_refuses_non_admins_with_403_and_anonymous_callers_with_401() {
    let app = spawn_app().await;
    let user = app.signed_in_user("organizer").await;
    let routes = admin_routes(&user.user_id);
    assert!(routes.len() >= 7, "{routes:?}");
    for (method, path) in routes {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let anonymous = app
            .http
            .request(method.clone(), app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401, "{method} {path}");
        let member = app
            .http
            .request(method.clone(), app.url(&path))
            .bearer_auth(&user.access)
            .send()
            .await
            .unwrap();
        assert_eq!(member.status(), 403, "{method} {path}");
        assert_eq!(member.headers()["content-type"], "application/problem+json");
    }
    let me: Value = app.get_as("/me", &user.access).await.json().await.unwrap();
    assert_eq!(me["roles"], json!(["organizer"]), "nothing changed");
    assert_eq!(me["status"], "active");
}

/// Disabling is a status flip and then the revocation of every session. A sign-in that read
/// the account just before the flip gets no session once it holds, and a disable retried after
/// a revocation that failed (the account is disabled already: 409) still ends the sessions.
#[tokio::test]
async fn no_session_outlives_or_follows_a_disable() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let user = app.quick_users("customer", 1).await.remove(0);
    let store = app.identity_store();
    let now = app.stack.clock.now();
    // The flip alone, as if the revocation after it had failed.
    store
        .set_status(
            &admin.user_id,
            &user.user_id,
            (Status::Active, Status::Disabled),
            "disable_user",
            now,
        )
        .await
        .unwrap();
    let session = uuid::Uuid::new_v4().simple().to_string();
    let late = store
        .create_session(&user.user_id, &session, "unusable", now)
        .await;
    assert!(
        matches!(late, Err(WriteError::Refused)),
        "a session was made for a disabled account: {late:?}"
    );
    assert_eq!(app.get_as("/me", &user.access).await.status(), 200);
    let retried = app
        .post_as(
            &format!("/admin/users/{}/disable", user.user_id),
            &admin.access,
            json!({}),
        )
        .await;
    assert_eq!(retried.status(), 409);
    assert_eq!(
        app.get_as("/me", &user.access).await.status(),
        401,
        "the retried disable ended the session"
    );
}

#[tokio::test]
async fn admins_grant_and_revoke_roles_disable_and_enable_with_an_audit_trail() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let user = app.signed_in_user("customer").await;

    let granted = app
        .http
        .put(app.url(&format!("/admin/users/{}/roles/broker", user.user_id)))
        .bearer_auth(&admin.access)
        .send()
        .await
        .unwrap();
    assert_eq!(granted.status(), 200, "{}", granted.text().await.unwrap());
    let profile: Value = granted.json().await.unwrap();
    assert_eq!(profile["roles"], json!(["customer", "broker"]));

    let brokers: Value = app
        .get_as("/admin/users?role=broker", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = brokers["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [user.user_id.as_str()]);
    assert!(
        app.get_as("/admin/users?role=wizard", &admin.access)
            .await
            .status()
            .is_client_error()
    );

    // The new role is in the next token.
    let refreshed: Value = app
        .post_json("/auth/refresh", json!({"refresh_token": user.refresh}))
        .await
        .json()
        .await
        .unwrap();
    let access = refreshed["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_as("/me", &access).await.status(), 200);

    let disabled = app
        .post_as(
            &format!("/admin/users/{}/disable", user.user_id),
            &admin.access,
            json!({}),
        )
        .await;
    assert_eq!(disabled.status(), 200, "{}", disabled.text().await.unwrap());
    assert_eq!(
        app.get_as("/me", &access).await.status(),
        401,
        "sessions end when disabled"
    );
    assert_eq!(app.login(&user.email, PASSWORD).await.status(), 403);
    assert_eq!(
        app.post_as(
            &format!("/admin/users/{}/disable", user.user_id),
            &admin.access,
            json!({})
        )
        .await
        .status(),
        409
    );
    assert_eq!(
        app.post_as(
            &format!("/admin/users/{}/disable", admin.user_id),
            &admin.access,
            json!({})
        )
        .await
        .status(),
        409
    );

    assert_eq!(
        app.post_as(
            &format!("/admin/users/{}/enable", user.user_id),
            &admin.access,
            json!({})
        )
        .await
        .status(),
        200
    );
    let back = app.sign_in(&user.user_id, &user.email, PASSWORD).await;
    let revoked = app
        .http
        .delete(app.url(&format!("/admin/users/{}/roles/broker", user.user_id)))
        .bearer_auth(&admin.access)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        app.get_as("/me", &back.access).await.status(),
        401,
        "losing a role ends sessions"
    );

    assert_eq!(
        app.get_as("/admin/users/nobody", &admin.access)
            .await
            .status(),
        404
    );

    let audit: Value = app
        .get_as("/admin/audit?limit=10", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "revoke_role",
            "enable_user",
            "disable_user",
            "grant_role",
            "create_admin"
        ]
    );
    assert!(audit["items"][0].get("pk").is_none());
    assert_eq!(audit["items"][0]["actor"], admin.user_id.as_str());
}

#[tokio::test]
async fn admin_listings_page_with_signed_cursors() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    for _ in 0..3 {
        app.signed_in_user("worker").await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/admin/users?role=worker&limit=2&cursor={c}"),
            None => "/admin/users?role=worker&limit=2".to_owned(),
        };
        let page: Value = app.get_as(&path, &admin.access).await.json().await.unwrap();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    let tampered = app
        .get_as(
            "/admin/users?limit=1&cursor=eyJwayI6IlVTRVIjeCJ9.AAAA",
            &admin.access,
        )
        .await;
    assert_eq!(tampered.status(), 400);
    assert_eq!(
        app.get_as("/admin/users?limit=1000", &admin.access)
            .await
            .status(),
        400
    );
}

#[tokio::test]
async fn a_password_reset_ends_every_session_and_answers_alike_for_unknown_addresses() {
    let app = spawn_app().await;
    let user = app.signed_in_user("member").await;
    let known = app
        .post_json("/auth/password/forgot", json!({"email": user.email}))
        .await;
    let unknown = app
        .post_json("/auth/password/forgot", json!({"email": fresh_address()}))
        .await;
    assert_eq!(known.status(), 202);
    assert_eq!(unknown.status(), 202);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());

    let code = app.code_from_mail(&user.email, 2).await;
    let new_password = "a brand new long passphrase";
    let reset = app
        .post_json(
            "/auth/password/reset",
            json!({"email": user.email, "code": code, "new_password": new_password}),
        )
        .await;
    assert_eq!(reset.status(), 204);
    assert_eq!(app.get_as("/me", &user.access).await.status(), 401);
    assert_eq!(app.login(&user.email, PASSWORD).await.status(), 401);
    let again = app.sign_in(&user.user_id, &user.email, new_password).await;

    let changed = app
        .post_as(
            "/auth/password/change",
            &again.access,
            json!({"current_password": new_password, "new_password": PASSWORD}),
        )
        .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(app.get_as("/me", &again.access).await.status(), 401);
    app.sign_in(&user.user_id, &user.email, PASSWORD).await;
}

#[tokio::test]
async fn the_local_admin_signs_in_with_the_password_set_at_start_even_when_the_account_existed() {
    let app = spawn_app().await;
    let email = fresh_address();
    let store = app.identity_store();
    let now = app.stack.clock.now();
    // A first run made the account with a password nobody remembers.
    let first = bazaar_identity::bootstrap::ensure_admin(&store, &email, None, now)
        .await
        .unwrap();
    assert!(first.created);

    let again = bazaar_identity::bootstrap::ensure_admin_with_password(
        &store,
        &email,
        "kept in a git-ignored file".to_owned(),
        now,
    )
    .await
    .unwrap();

    assert_eq!(
        (again.created, again.user_id.as_str()),
        (false, first.user_id.as_str())
    );
    let admin = app
        .sign_in(&first.user_id, &email, "kept in a git-ignored file")
        .await;
    let me: Value = app.get_as("/me", &admin.access).await.json().await.unwrap();
    assert!(me["roles"].as_array().unwrap().contains(&json!("admin")));
}
