//! Winning lists: upload (admins only), processing to done or failed, reads, deletion.

use serde_json::{Value, json};

use super::{add_bonds, bonds_store, list_text, processed, upload, winning_numbers, wins_of};
use crate::support::spawn_app;

#[tokio::test]
async fn only_admins_upload_lists() {
    let app = spawn_app().await;
    let member = app.signed_in_user("member").await;
    let text = list_text(750, "15/01/2026", &winning_numbers(100_000, 10));
    let anonymous = app
        .http
        .post(app.url("/draws"))
        .body(text.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(upload(&app, &member.access, &text).await.status(), 403);
    let listed: Value = app.get("/draws").await.json().await.unwrap();
    assert_eq!(listed["items"], json!([]));
}

#[tokio::test]
async fn a_malformed_list_fails_with_a_reason_and_stores_no_numbers_or_wins() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let holder = app.signed_in_user("member").await;
    let numbers = winning_numbers(100_000, 40);
    add_bonds(&app, &holder, 750, &numbers[..2]).await;
    let mut text = list_text(750, "15/01/2026", &numbers);
    text.truncate(text.len() - 4); // cut inside the last number, as an interrupted download

    let draw = processed(&app, &admin, &text).await;
    assert_eq!(draw["status"], "failed", "{draw}");
    assert!(
        draw["reason"].as_str().unwrap().contains("6-digit"),
        "{draw}"
    );
    assert!(draw.get("numbers").is_none());
    let id = draw["id"].as_str().unwrap();
    let lookup = app
        .get(&format!("/draws/{id}/numbers/{}", numbers[0]))
        .await;
    assert_eq!(lookup.status(), 409);
    let stored = app
        .stack
        .aws
        .dynamodb
        .query()
        .table_name(app.name_of("BondsTable"))
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(
            ":pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("DRAW#{id}")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(stored.count, 1, "only the draw record itself");
    assert!(bonds_store(&app).draw_wins(id).await.unwrap().is_empty());
    assert_eq!(wins_of(&app, &holder).await, Vec::<Value>::new());
    assert_eq!(
        app.mail_to(&holder.email).await.len(),
        1,
        "only the sign-up code"
    );

    let wrong_kind = upload(&app, &admin.access, "\u{0}\u{1}binary").await;
    assert_eq!(wrong_kind.status(), 415);
    let empty = upload(&app, &admin.access, "  \n").await;
    assert_eq!(empty.status(), 422);
    let huge = upload(&app, &admin.access, &"123456 ".repeat(40_000)).await;
    assert_eq!(huge.status(), 413);
}

#[tokio::test]
async fn the_same_list_uploaded_twice_is_detected() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let text = list_text(200, "01/03/2026", &winning_numbers(200_000, 20));
    let first = processed(&app, &admin, &text).await;
    assert_eq!(first["status"], "done");

    let again = upload(&app, &admin.access, &text).await;
    assert_eq!(again.status(), 409);
    let problem: Value = again.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(first["id"].as_str().unwrap())
    );

    // The same draw in another layout: a different file, caught when parsed.
    let relaid = processed(&app, &admin, &text.replace("   ", " ")).await;
    assert_eq!(relaid["status"], "failed");
    assert!(
        relaid["reason"].as_str().unwrap().contains(&format!(
            "already stored as draw {}",
            first["id"].as_str().unwrap()
        )),
        "{relaid}"
    );
}

#[tokio::test]
async fn anyone_lists_draws_by_denomination_and_month_and_looks_up_numbers_and_admins_delete_them()
{
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let holder = app.signed_in_user("member").await;
    let numbers = winning_numbers(300_000, 30);
    add_bonds(&app, &holder, 750, &numbers[5..6]).await;
    let jan = processed(&app, &admin, &list_text(750, "15/01/2026", &numbers)).await;
    let feb = processed(
        &app,
        &admin,
        &list_text(750, "15/02/2026", &winning_numbers(400_000, 30)),
    )
    .await;
    let other = processed(
        &app,
        &admin,
        &list_text(100, "15/02/2026", &winning_numbers(500_000, 30)),
    )
    .await;
    assert_eq!(jan["status"], "done");
    assert_eq!(
        (jan["numbers"].as_u64(), jan["wins"].as_u64()),
        (Some(30), Some(1))
    );
    assert_eq!(jan["date"], "2026-01-15");

    let ids = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = ids(app.get("/draws").await.json().await.unwrap());
    assert_eq!(all.len(), 3);
    let by_denom = ids(app
        .get("/draws?denomination=750")
        .await
        .json()
        .await
        .unwrap());
    assert_eq!(
        by_denom,
        [feb["id"].as_str().unwrap(), jan["id"].as_str().unwrap()]
    );
    let feb_all = ids(app
        .get("/draws?year=2026&month=2")
        .await
        .json()
        .await
        .unwrap());
    assert_eq!(feb_all.len(), 2);
    assert!(feb_all.contains(&other["id"].as_str().unwrap().to_owned()));
    assert_eq!(app.get("/draws?month=2").await.status(), 422);

    let jan_id = jan["id"].as_str().unwrap();
    let won: Value = app
        .get(&format!("/draws/{jan_id}/numbers/{}", numbers[0]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            won["won"].as_bool(),
            won["tier"].as_str(),
            won["amount"].as_u64()
        ),
        (Some(true), Some("first"), Some(1_500_000))
    );
    let lost: Value = app
        .get(&format!("/draws/{jan_id}/numbers/999999"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lost["won"], false);
    assert_eq!(
        app.get(&format!("/draws/{jan_id}/numbers/12"))
            .await
            .status(),
        422
    );
    let unknown = uuid::Uuid::new_v4().simple().to_string();
    assert_eq!(
        app.get(&format!("/draws/{unknown}/numbers/{}", numbers[0]))
            .await
            .status(),
        404
    );
    assert_eq!(wins_of(&app, &holder).await.len(), 1);

    let member_delete = app
        .http
        .delete(app.url(&format!("/draws/{jan_id}")))
        .bearer_auth(&holder.access)
        .send()
        .await
        .unwrap();
    assert_eq!(member_delete.status(), 403);
    let deleted = app
        .http
        .delete(app.url(&format!("/draws/{jan_id}")))
        .bearer_auth(&admin.access)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.get(&format!("/draws/{jan_id}")).await.status(), 404);
    assert_eq!(wins_of(&app, &holder).await, Vec::<Value>::new());
    let after = ids(app
        .get("/draws?denomination=750")
        .await
        .json()
        .await
        .unwrap());
    assert_eq!(after, [feb["id"].as_str().unwrap()]);
    // Its denomination and date are free again: the same list can be stored anew.
    let again = processed(&app, &admin, &list_text(750, "15/01/2026", &numbers)).await;
    assert_eq!(again["status"], "done", "{again}");
}
