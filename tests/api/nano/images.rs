//! A task's image: its buyer uploads it, whoever may see the task follows a short-lived link.

use super::{SMALL, a_task, give_coins};
use crate::support::{TestApp, spawn_app};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-a-tiny-test-image";

async fn put_image(app: &TestApp, task: &str, token: &str, bytes: &[u8]) -> reqwest::Response {
    app.http
        .put(app.url(&format!("/nano/tasks/{task}/image")))
        .bearer_auth(token)
        .header("content-type", "image/png")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_buyer_attaches_an_image_that_workers_can_see() {
    let app = spawn_app().await;
    let buyers = app.quick_users("buyer", 2).await;
    let worker = &app.quick_users("worker", 1).await[0];
    give_coins(&app, &buyers[0].user_id, SMALL).await;
    let task = a_task(&app, &buyers[0], 1, 10).await;

    let stored = put_image(&app, &task, &buyers[0].access, PNG).await;
    let not_an_image = put_image(&app, &task, &buyers[0].access, b"<svg/>").await;
    let not_theirs = put_image(&app, &task, &buyers[1].access, PNG).await;
    let shown = app
        .get_as(&format!("/nano/tasks/{task}/image"), &worker.access)
        .await;

    assert_eq!(stored.status(), 200);
    let view: serde_json::Value = stored.json().await.unwrap();
    assert_eq!(view["has_image"], true);
    assert!(view.get("image_key").is_none());
    assert_eq!(not_an_image.status(), 415);
    assert_eq!(not_theirs.status(), 404);
    assert_eq!(shown.status(), 200, "the link is followed to the bucket");
    assert_eq!(shown.bytes().await.unwrap().as_ref(), PNG);
}
