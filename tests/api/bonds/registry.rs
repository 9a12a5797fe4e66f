//! The bond registry: add, list, change, delete; owners only.

use futures_util::future::join_all;
use serde_json::{Value, json};

use super::add_bonds;
use crate::conflicts::ConflictProxy;
use crate::support::{dynamodb_local, spawn_app, spawn_app_with};

/// Registration is one conditional put per bond, never a read and then a write: of eight
/// requests adding the same numbers at once, each number is added by exactly one, the others
/// call it already registered, and the owner holds it once.
#[tokio::test]
async fn the_same_numbers_added_at_once_are_added_exactly_once() {
    let app = spawn_app().await;
    let user = app.quick_users("member", 1).await.remove(0);
    let numbers: Vec<String> = (0..5).map(|i| format!("{:06}", 700_000 + i)).collect();
    let answers = join_all((0..8).map(|_| add_bonds(&app, &user, 750, &numbers))).await;
    for number in &numbers {
        let added = answers
            .iter()
            .filter(|a| {
                a["added"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|b| b["number"] == **number)
            })
            .count();
        let already = answers
            .iter()
            .filter(|a| {
                a["already_registered"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(number))
            })
            .count();
        assert_eq!((added, already), (1, 7), "{number}: {answers:?}");
    }
    let page: Value = app
        .get_as("/bonds?denomination=750&limit=100", &user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        numbers.len(),
        "{page}"
    );
}

#[tokio::test]
async fn bonds_are_added_listed_by_denomination_changed_and_deleted_with_leading_zeros_kept() {
    let app = spawn_app().await;
    let user = app.signed_in_user("member").await;

    let added = add_bonds(
        &app,
        &user,
        750,
        &["000123".into(), "654321".into(), "000123".into()],
    )
    .await;
    assert_eq!(added["added"].as_array().unwrap().len(), 2);
    assert_eq!(added["added"][0]["id"], "750-000123");
    assert_eq!(added["past_wins"], json!([]));
    add_bonds(&app, &user, 100, &["111111".into()]).await;
    let again = add_bonds(&app, &user, 750, &["654321".into(), "222222".into()]).await;
    assert_eq!(again["already_registered"], json!(["654321"]));

    let page: Value = app
        .get_as("/bonds?denomination=750&limit=2", &user.access)
        .await
        .json()
        .await
        .unwrap();
    let numbers: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["000123", "222222"]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next: Value = app
        .get_as(
            &format!("/bonds?denomination=750&limit=2&cursor={cursor}"),
            &user.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"][0]["number"], "654321");
    assert!(next.get("next_cursor").is_none());
    let foreign = app
        .get_as(
            &format!("/bonds?denomination=100&cursor={cursor}"),
            &user.access,
        )
        .await;
    assert_eq!(foreign.status(), 400);

    let changed = app
        .http
        .patch(app.url("/bonds/750-000123"))
        .bearer_auth(&user.access)
        .json(&json!({"number": "000124"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(
        changed.json::<Value>().await.unwrap()["bond"]["id"],
        "750-000124"
    );
    let taken = app
        .http
        .patch(app.url("/bonds/750-000124"))
        .bearer_auth(&user.access)
        .json(&json!({"number": "654321"}))
        .send()
        .await
        .unwrap();
    assert_eq!(taken.status(), 409);

    let deleted = app
        .http
        .delete(app.url("/bonds/750-000124"))
        .bearer_auth(&user.access)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let all: Value = app
        .get_as("/bonds", &user.access)
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["100-111111", "750-222222", "750-654321"]);
}

#[tokio::test]
async fn bad_bonds_are_refused_with_field_errors_and_nothing_is_stored() {
    let app = spawn_app().await;
    let user = app.signed_in_user("member").await;
    for body in [
        json!({"denomination": 751, "numbers": ["123456"]}),
        json!({"denomination": 750, "numbers": ["12345"]}),
        json!({"denomination": 750, "numbers": ["1234567"]}),
        json!({"denomination": 750, "numbers": []}),
        json!({"denomination": 750, "numbers": ["123456"], "owner": "someone"}),
        json!({"denomination": 750, "numbers": (0..101).map(|i| format!("{:06}", i)).collect::<Vec<_>>()}),
    ] {
        let response = app.post_as("/bonds", &user.access, body.clone()).await;
        assert_eq!(response.status(), 422, "{body}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    let listed: Value = app
        .get_as("/bonds", &user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    assert_eq!(app.get("/bonds").await.status(), 401);
}

#[tokio::test]
async fn a_user_cannot_read_or_change_another_users_bonds() {
    let app = spawn_app().await;
    let owner = app.signed_in_user("member").await;
    let other = app.signed_in_user("member").await;
    add_bonds(&app, &owner, 1500, &["424242".into()]).await;

    let seen: Value = app
        .get_as("/bonds", &other.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["items"], json!([]));
    let change = app
        .http
        .patch(app.url("/bonds/1500-424242"))
        .bearer_auth(&other.access)
        .json(&json!({"number": "111111"}))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), 404);
    let delete = app
        .http
        .delete(app.url("/bonds/1500-424242"))
        .bearer_auth(&other.access)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), 404);

    let mine: Value = app
        .get_as("/bonds", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["id"], "1500-424242");
}

/// Changing a bond's number is one transaction (old number out, new number in). When that
/// transaction loses races to others on the same items, the owner still gets the right answer:
/// retried and committed, or, when the items stay busy, a 409 to try again — never "no such bond".
#[tokio::test]
async fn changing_a_bond_number_that_loses_races_is_retried_and_never_answered_not_found() {
    let proxy = ConflictProxy::start(&dynamodb_local()).await;
    let app = spawn_app_with(|config| config.dynamodb_endpoint = proxy.url.clone()).await;
    let user = app.signed_in_user("member").await;
    add_bonds(&app, &user, 750, &["000123".into()]).await;
    let change = |from: &'static str, to: &'static str| {
        app.http
            .patch(app.url(&format!("/bonds/750-{from}")))
            .bearer_auth(&user.access)
            .json(&json!({ "number": to }))
            .send()
    };

    proxy.inject(3);
    let changed = change("000123", "000124").await.unwrap();
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    assert_eq!(proxy.transactions(), 4, "three lost races, then the commit");

    proxy.inject(1_000);
    let busy = change("000124", "000125").await.unwrap();
    assert_eq!(busy.status(), 409);
    let problem: Value = busy.json().await.unwrap();
    assert_eq!(problem["type"], "urn:bazaar:problem:contention");

    let all: Value = app
        .get_as("/bonds", &user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    assert_eq!(all["items"][0]["id"], "750-000124");
}
