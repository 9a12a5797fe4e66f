//! The daily expiry reminders: once per token batch with tokens left, within 7 days of expiry.

use std::time::Duration;

use bazaar_shared::Clock;
use serde_json::json;

use super::{PIN, a_mess, student_with_tokens};
use crate::support::{TestApp, spawn_app_with};

async fn reminded(app: &TestApp) -> i64 {
    let outputs = app.stack.fire("MessExpiryRemindersFunction").await.unwrap();
    outputs[0]["reminded"].as_i64().unwrap()
}

#[tokio::test]
async fn a_batch_with_tokens_left_is_reminded_once_a_week_before_it_expires() {
    let app = spawn_app_with(|c| c.clock = Clock::manual(time::OffsetDateTime::now_utc())).await;
    let mess = a_mess(&app).await;
    let keeper = student_with_tokens(&app, &mess, 2).await;
    let spender = student_with_tokens(&app, &mess, 1).await;
    let spent = app
        .post_as(
            "/mess/redemptions",
            &spender.access,
            json!({"count": 1, "pin": PIN}),
        )
        .await;
    assert_eq!(spent.status(), 201);

    let too_early = reminded(&app).await;
    app.stack.clock.advance(Duration::from_secs(84 * 24 * 3600));
    let due = reminded(&app).await;
    let again = reminded(&app).await;

    assert_eq!((too_early, due, again), (0, 1, 0));
    let mail = app.wait_for_mail(&keeper.email, 2).await;
    assert!(
        mail.iter().any(|m| m.subject.contains("expire soon")),
        "{mail:?}"
    );
    app.wait_until_drained("MailQueue").await;
    let spender_mail = app.mail_to(&spender.email).await;
    assert!(
        spender_mail
            .iter()
            .all(|m| !m.subject.contains("expire soon"))
    );
}
