//! Event tickets in the background: confirmations, change and cancellation notices to every
//! active booker, and the 24-hour reminder, each mailed once (read back from moto).

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bazaar_shared::auth::AccessClaims;
use bazaar_shared::identity::keys::profile_key;
use bazaar_shared::{Clock, Env, Init};
use bazaar_tickets::notices::NotifyBookers;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::support::{TestApp, TestUser, spawn_app};
use crate::tickets::in_hours;

impl TestApp {
    /// Waits for both queues between a change and its mail to empty, then counts what each
    /// address got with `subject`.
    async fn settled_mail(&self, customers: &[TestUser], subject: &str) -> HashMap<String, usize> {
        self.wait_until_drained("TicketJobsQueue").await;
        self.wait_until_drained("MailQueue").await;
        let mut counts = HashMap::new();
        for customer in customers {
            let mail = self.mail_to(&customer.email).await;
            let n = mail.iter().filter(|m| m.subject == subject).count();
            counts.insert(customer.email.clone(), n);
        }
        counts
    }
}

async fn booked_event(
    app: &TestApp,
    customers: &[TestUser],
    starts_in_hours: i64,
) -> (TestUser, String) {
    let organizer = app.quick_users("organizer", 1).await.remove(0);
    let event = app.published_event(&organizer, 100, starts_in_hours).await;
    for customer in customers {
        assert_eq!(app.book(customer, &event, 1).await.status(), 201);
    }
    (organizer, event)
}

#[tokio::test]
async fn moving_an_event_mails_each_active_booker_exactly_once() {
    let app = spawn_app().await;
    let customers = app.quick_users("customer", 4).await;
    let (organizer, event) = booked_event(&app, &customers, 48).await;
    let gone: Value = app
        .get_as("/bookings", &customers[3].access)
        .await
        .json()
        .await
        .unwrap();
    let gone = gone["items"][0]["id"].as_str().unwrap().to_owned();
    app.post_as(
        &format!("/bookings/{gone}/cancel"),
        &customers[3].access,
        json!({}),
    )
    .await;

    let moved = app
        .send_as(
            reqwest::Method::PATCH,
            &format!("/events/{event}"),
            &organizer.access,
            Some(json!({"starts_at": in_hours(50)})),
        )
        .await;
    assert_eq!(moved.status(), 200);
    // A change bookers need not hear about sends nothing.
    let quiet = app
        .send_as(
            reqwest::Method::PATCH,
            &format!("/events/{event}"),
            &organizer.access,
            Some(json!({"description": "Now with more pizza"})),
        )
        .await;
    assert_eq!(quiet.status(), 200);

    let counts = app
        .settled_mail(&customers, "Rust Meetup has changed")
        .await;
    for customer in &customers[..3] {
        assert_eq!(counts[&customer.email], 1, "{counts:?}");
    }
    assert_eq!(
        counts[&customers[3].email], 0,
        "a cancelled booking is not told"
    );
    let confirmations = app
        .settled_mail(&customers, "Your booking for Rust Meetup")
        .await;
    assert!(confirmations.values().all(|n| *n == 1), "{confirmations:?}");
}

#[tokio::test]
async fn cancelling_an_event_tells_every_booker_across_pages_once() {
    let app = spawn_app().await;
    let customers = app.quick_users("customer", 5).await;
    let (organizer, event) = booked_event(&app, &customers, 48).await;

    let cancelled = app
        .post_as(
            &format!("/events/{event}/cancel"),
            &organizer.access,
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    // The same notice again, paged two bookers at a time by a consumer configured so: the
    // first page is mailed here, the rest by the stack's consumer from the queued follow-up
    // job. Nobody hears twice.
    let spec = app
        .stack
        .shared
        .functions
        .iter()
        .find(|f| f.binary == "ticket-jobs")
        .unwrap();
    let mut env = spec.env.clone();
    env.insert("NOTIFY_PAGE_SIZE".into(), "2".into());
    let init = Init {
        env: Env::from_map(env),
        aws: app.stack.aws.clone(),
        clock: Clock::system(),
    };
    let small_pages = bazaar_tickets::Notifier::from_init(&init).unwrap();
    let notice = NotifyBookers {
        event_id: event.clone(),
        notice_id: format!("event-cancelled:{event}"),
        subject: "Rust Meetup is cancelled".into(),
        text: "Cancelled.".into(),
        after: None,
    };
    small_pages.notify_page(&notice).await.unwrap();

    let counts = app
        .settled_mail(&customers, "Rust Meetup is cancelled")
        .await;
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
}

#[tokio::test]
async fn the_day_before_reminder_fired_twice_mails_each_booker_once() {
    let app = spawn_app().await;
    let customers = app.quick_users("customer", 3).await;
    let (_, soon) = booked_event(&app, &customers[..2], 3).await;
    let (_, far) = booked_event(&app, &customers[2..], 24 * 5).await;

    let first = app.stack.fire("TicketRemindersFunction").await.unwrap();
    let second = app.stack.fire("TicketRemindersFunction").await.unwrap();
    assert_eq!(first, [json!({"reminded": 1})]);
    assert_eq!(second, [json!({"reminded": 0})]);

    let counts = app
        .settled_mail(&customers, "Reminder: Rust Meetup is coming up")
        .await;
    assert_eq!(counts[&customers[0].email], 1, "{counts:?}");
    assert_eq!(counts[&customers[1].email], 1, "{counts:?}");
    assert_eq!(counts[&customers[2].email], 0, "{far} is five days away");
    assert_eq!(app.event(&soon).await["available"], 98);
}

/// The address for a confirmation comes from the access token, with no read of the account:
/// a customer whose account item is gone (only the session is read) still books and is mailed.
/// A token issued before tokens carried the address (no `email` claim) falls back to the read.
#[tokio::test]
async fn the_confirmation_goes_to_the_address_in_the_token_or_the_account_without_one() {
    let app = spawn_app().await;
    let customers = app.quick_users("customer", 2).await;
    let payload = customers[1].access.split('.').nth(1).unwrap();
    let mut claims: AccessClaims =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(claims.email.as_deref(), Some(customers[1].email.as_str()));
    claims.email = None;
    let key = EncodingKey::from_ed_pem(app.keys()["jwt_private_key"].as_str().unwrap().as_bytes())
        .unwrap();
    let older = TestUser {
        access: jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, &key).unwrap(),
        ..customers[1].clone()
    };
    app.stack
        .aws
        .dynamodb
        .delete_item()
        .table_name(app.name_of("IdentityTable"))
        .set_key(Some(profile_key(&customers[0].user_id)))
        .send()
        .await
        .unwrap();
    booked_event(&app, &[customers[0].clone(), older.clone()], 48).await;
    let confirmations = app
        .settled_mail(&customers, "Your booking for Rust Meetup")
        .await;
    assert_eq!(confirmations[&customers[0].email], 1, "{confirmations:?}");
    assert_eq!(confirmations[&older.email], 1, "{confirmations:?}");
}
