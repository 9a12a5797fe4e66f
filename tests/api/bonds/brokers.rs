//! Broker requests: approval grants the role atomically, once, and mails once.

use serde_json::{Value, json};

use super::stores::{put_store, store};
use crate::support::{TestApp, TestUser, spawn_app};

fn request() -> Value {
    json!({"experience": "Six years selling bonds in Saddar", "description": "A counter at Bohri Bazaar"})
}

async fn submit(app: &TestApp, user: &TestUser) -> String {
    let response = app
        .post_as("/broker-requests", &user.access, request())
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn approving_a_broker_request_grants_the_role_and_closes_the_request_atomically() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let user = app.signed_in_user("member").await;
    let id = submit(&app, &user).await;
    let twice = app
        .post_as("/broker-requests", &user.access, request())
        .await;
    assert_eq!(twice.status(), 409);
    assert_eq!(
        app.get_as("/admin/broker-requests", &user.access)
            .await
            .status(),
        403
    );
    let pending: Value = app
        .get_as("/admin/broker-requests", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pending["items"][0]["id"], id.as_str());
    assert_eq!(
        put_store(&app, &user.access, store("Saddar Bonds", "Karachi"))
            .await
            .status(),
        403
    );

    let approved = app
        .post_as(
            &format!("/admin/broker-requests/{id}/approve"),
            &admin.access,
            json!({}),
        )
        .await;
    assert_eq!(approved.status(), 200);
    assert_eq!(
        approved.json::<Value>().await.unwrap()["status"],
        "approved"
    );
    let profile: Value = app
        .get_as(&format!("/admin/users/{}", user.user_id), &admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        profile["roles"]
            .as_array()
            .unwrap()
            .contains(&json!("broker")),
        "{profile}"
    );
    let pending: Value = app
        .get_as("/admin/broker-requests", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pending["items"], json!([]));
    let mine: Value = app
        .get_as("/broker-requests/mine", &user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["status"], "approved");
    let mail = app.wait_for_mail(&user.email, 2).await;
    assert!(mail[1].body.contains("approved"), "{}", mail[1].body);

    // A refreshed token carries the new role.
    let pair: Value = app
        .post_json("/auth/refresh", json!({"refresh_token": user.refresh}))
        .await
        .json()
        .await
        .unwrap();
    let access = pair["access_token"].as_str().unwrap();
    assert_eq!(
        put_store(&app, access, store("Saddar Bonds", "Karachi"))
            .await
            .status(),
        200
    );
    let again = app
        .post_as(
            &format!("/admin/broker-requests/{id}/approve"),
            &admin.access,
            json!({}),
        )
        .await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn approving_a_request_twice_concurrently_grants_once_and_mails_once() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let user = app.quick_users("member", 1).await.remove(0);
    let id = submit(&app, &user).await;
    let path = format!("/admin/broker-requests/{id}/approve");
    let attempts = futures_util::future::join_all(
        (0..5).map(|_| app.post_as(&path, &admin.access, json!({"reason": "Known dealer"}))),
    )
    .await;
    let mut statuses: Vec<u16> = attempts.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409]);

    let audit: Value = app
        .get_as("/admin/audit?limit=100", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    let grants = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "grant_role" && e["target"] == user.user_id.as_str())
        .count();
    assert_eq!(grants, 1);
    app.wait_for_mail(&user.email, 1).await;
    app.wait_until_drained("MailQueue").await;
    assert_eq!(app.mail_to(&user.email).await.len(), 1);
}

#[tokio::test]
async fn rejecting_needs_a_reason_and_a_withdrawn_request_cannot_be_decided() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let user = app.quick_users("member", 1).await.remove(0);
    let stranger = app.quick_users("member", 1).await.remove(0);
    let id = submit(&app, &user).await;
    let bare = app
        .post_as(
            &format!("/admin/broker-requests/{id}/reject"),
            &admin.access,
            json!({}),
        )
        .await;
    assert_eq!(bare.status(), 422);
    let rejected = app
        .post_as(
            &format!("/admin/broker-requests/{id}/reject"),
            &admin.access,
            json!({"reason": "No shop address"}),
        )
        .await;
    assert_eq!(
        rejected.json::<Value>().await.unwrap()["status"],
        "rejected"
    );
    assert!(
        app.wait_for_mail(&user.email, 1).await[0]
            .body
            .contains("No shop address")
    );

    let second = submit(&app, &user).await;
    let foreign = app
        .post_as(
            &format!("/broker-requests/{second}/withdraw"),
            &stranger.access,
            json!({}),
        )
        .await;
    assert_eq!(foreign.status(), 404);
    let withdrawn = app
        .post_as(
            &format!("/broker-requests/{second}/withdraw"),
            &user.access,
            json!({}),
        )
        .await;
    assert_eq!(
        withdrawn.json::<Value>().await.unwrap()["status"],
        "withdrawn"
    );
    let late = app
        .post_as(
            &format!("/admin/broker-requests/{second}/approve"),
            &admin.access,
            json!({}),
        )
        .await;
    assert_eq!(late.status(), 409);
    let mine: Value = app
        .get_as("/broker-requests/mine", &user.access)
        .await
        .json()
        .await
        .unwrap();
    let statuses: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["withdrawn", "rejected"]);
}
