//! Event tickets: seats are never oversold, never given back twice, and only their owners
//! touch events and bookings. All against DynamoDB Local.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, TestUser, problem_type, spawn_app};

/// An RFC 3339 time `hours` from now.
pub fn in_hours(hours: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::hours(hours))
        .replace_nanosecond(0)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

impl TestApp {
    /// A published event of `organizer`'s, returning its id.
    pub async fn published_event(
        &self,
        organizer: &TestUser,
        capacity: u32,
        starts_in_hours: i64,
    ) -> String {
        let response = self
            .post_as(
                "/events",
                &organizer.access,
                json!({
                    "title": "Rust Meetup", "description": "Talks and pizza", "venue": "Hall 1",
                    "starts_at": in_hours(starts_in_hours), "capacity": capacity,
                    "price_minor": 1500, "currency": "EUR", "published": true
                }),
            )
            .await;
        assert_eq!(response.status(), 201);
        response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn book(&self, customer: &TestUser, event_id: &str, seats: u32) -> reqwest::Response {
        self.post_as(
            &format!("/events/{event_id}/bookings"),
            &customer.access,
            json!({ "seats": seats }),
        )
        .await
    }

    /// An organizer, a customer and a published event starting in two days.
    pub async fn one_event(&self, capacity: u32) -> (TestUser, TestUser, String) {
        let organizer = self.quick_users("organizer", 1).await.remove(0);
        let customer = self.quick_users("customer", 1).await.remove(0);
        let event = self.published_event(&organizer, capacity, 48).await;
        (organizer, customer, event)
    }

    pub async fn json_as(&self, path: &str, token: &str) -> Value {
        let response = self.get_as(path, token).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn event(&self, event_id: &str) -> Value {
        let response = self.get(&format!("/events/{event_id}")).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Active bookings of an event, counted in the table (not through our own API).
    pub async fn active_bookers(&self, event_id: &str) -> usize {
        self.stack
            .aws
            .dynamodb
            .query()
            .table_name(self.name_of("TicketsTable"))
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(
                ":pk",
                aws_sdk_dynamodb::types::AttributeValue::S(format!("EVENT#{event_id}#BOOKERS")),
            )
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .count as usize
    }
}

/// Exactly one of `responses` has `success`; every other one is a 409.
fn exactly_one(responses: &[reqwest::Response], success: u16) {
    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    let won = statuses.iter().filter(|s| **s == success).count();
    assert_eq!(won, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == success || *s == 409),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn two_hundred_customers_racing_for_ten_seats_get_exactly_ten() {
    let app = spawn_app().await;
    let organizer = &app.quick_users("organizer", 1).await[0];
    let customers = app.quick_users("customer", 200).await;
    let event = app.published_event(organizer, 10, 48).await;

    let responses = join_all(customers.iter().map(|c| app.book(c, &event, 1))).await;

    let mut booked = 0;
    for response in responses {
        match response.status() {
            StatusCode::CREATED => booked += 1,
            status => {
                assert_eq!(status, 409);
                assert_eq!(problem_type(response).await, "urn:bazaar:problem:sold-out");
            }
        }
    }
    assert_eq!(booked, 10);
    assert_eq!(app.event(&event).await["available"], 0);
    assert_eq!(app.active_bookers(&event).await, 10);
}

#[tokio::test]
async fn one_customer_booking_one_event_twenty_times_at_once_holds_one_booking() {
    let app = spawn_app().await;
    let (_, customer, event) = &app.one_event(50).await;

    let responses = join_all((0..20).map(|_| app.book(customer, event, 2))).await;

    exactly_one(&responses, 201);
    assert_eq!(app.event(event).await["available"], 48);
    let mine: Value = app.json_as("/bookings", &customer.access).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn twenty_concurrent_cancels_give_the_seats_back_once() {
    let app = spawn_app().await;
    let (_, customer, event) = &app.one_event(10).await;
    let booking: Value = app.book(customer, event, 3).await.json().await.unwrap();
    let id = booking["id"].as_str().unwrap();
    assert_eq!(app.event(event).await["available"], 7);

    let cancel = format!("/bookings/{id}/cancel");
    let responses =
        join_all((0..20).map(|_| app.post_as(&cancel, &customer.access, json!({})))).await;

    exactly_one(&responses, 200);
    assert_eq!(app.event(event).await["available"], 10);
    assert_eq!(app.active_bookers(event).await, 0);
}

#[tokio::test]
async fn a_customer_can_book_cancel_and_book_again() {
    let app = spawn_app().await;
    let (_, customer, event) = &app.one_event(10).await;

    let first: Value = app.book(customer, event, 2).await.json().await.unwrap();
    assert_eq!(
        first["total_minor"], 3000,
        "price is computed by the server"
    );
    let again = app.book(customer, event, 1).await;
    assert_eq!(again.status(), 409);
    assert_eq!(
        problem_type(again).await,
        "urn:bazaar:problem:already-booked"
    );
    let cancelled = app
        .post_as(
            &format!("/bookings/{}/cancel", first["id"].as_str().unwrap()),
            &customer.access,
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status(), 200);
    let second = app.book(customer, event, 4).await;
    assert_eq!(second.status(), 201);

    assert_eq!(app.event(event).await["available"], 6);
    let mine: Value = app.json_as("/bookings", &customer.access).await;
    let statuses: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["active", "cancelled"], "newest first");
    assert_eq!(mine["items"][0]["event"]["title"], "Rust Meetup");
}

#[tokio::test]
async fn bookings_and_events_are_only_their_owners_business() {
    let app = spawn_app().await;
    let organizers = app.quick_users("organizer", 2).await;
    let customers = app.quick_users("customer", 2).await;
    let event = app.published_event(&organizers[0], 10, 48).await;
    let booking: Value = app
        .book(&customers[0], &event, 1)
        .await
        .json()
        .await
        .unwrap();
    let id = booking["id"].as_str().unwrap();

    // Another customer neither sees nor cancels my booking.
    let other = &customers[1].access;
    assert_eq!(
        app.get_as(&format!("/bookings/{id}"), other).await.status(),
        404
    );
    let cancel = app
        .post_as(&format!("/bookings/{id}/cancel"), other, json!({}))
        .await;
    assert_eq!(cancel.status(), 404);
    assert_eq!(app.event(&event).await["available"], 9);

    // A customer cannot create events; an organizer cannot book.
    let created = app.post_as("/events", other, json!({"title": "x"})).await;
    assert_eq!(created.status(), 403);
    assert_eq!(app.book(&organizers[0], &event, 1).await.status(), 403);

    // An organizer cannot edit another organizer's event.
    let path = format!("/events/{event}");
    let edit = app
        .send_as(
            reqwest::Method::PATCH,
            &path,
            &organizers[1].access,
            Some(json!({"title": "Mine now"})),
        )
        .await;
    assert_eq!(edit.status(), 404);
    let delete = app
        .send_as(reqwest::Method::DELETE, &path, &organizers[1].access, None)
        .await;
    assert_eq!(delete.status(), 404);

    // Seats available and the organizer are never writable, even by the owner.
    for body in [
        json!({"available": 1000}),
        json!({"organizer_id": organizers[1].user_id}),
        json!({"title": "Renamed", "available": 1000}),
    ] {
        let response = app
            .send_as(
                reqwest::Method::PATCH,
                &path,
                &organizers[0].access,
                Some(body),
            )
            .await;
        assert_eq!(response.status(), 422);
    }
    let now = app.event(&event).await;
    assert_eq!(now["title"], "Rust Meetup");
    assert_eq!(now["available"], 9);
    let mine: Value = app
        .json_as("/organizer/events", &organizers[0].access)
        .await;
    assert_eq!(mine["items"][0]["seats_sold"], 1);
    assert_eq!(mine["items"][0]["revenue_minor"], 1500);
    let theirs: Value = app
        .json_as("/organizer/events", &organizers[1].access)
        .await;
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn capacity_moves_seats_available_and_never_drops_below_seats_sold() {
    let app = spawn_app().await;
    let organizer = &app.quick_users("organizer", 1).await[0];
    let customers = app.quick_users("customer", 2).await;
    let event = app.published_event(organizer, 10, 48).await;
    for customer in &customers {
        assert_eq!(app.book(customer, &event, 3).await.status(), 201);
    }
    let path = format!("/events/{event}");
    let patch = |capacity: u32| {
        app.send_as(
            reqwest::Method::PATCH,
            &path,
            &organizer.access,
            Some(json!({"capacity": capacity})),
        )
    };

    let shrink_too_far = patch(5).await;
    assert_eq!(shrink_too_far.status(), 409);
    assert_eq!(
        problem_type(shrink_too_far).await,
        "urn:bazaar:problem:capacity-below-sold"
    );
    assert_eq!(app.event(&event).await["available"], 4);

    assert_eq!(patch(6).await.status(), 200);
    assert_eq!(app.event(&event).await["available"], 0);
    assert_eq!(patch(20).await.status(), 200);
    let now = app.event(&event).await;
    assert_eq!(
        (now["capacity"].clone(), now["available"].clone()),
        (json!(20), json!(14))
    );

    // A booked event cannot be deleted; a never-booked one can.
    let delete = app
        .send_as(reqwest::Method::DELETE, &path, &organizer.access, None)
        .await;
    assert_eq!(delete.status(), 409);
    let unbooked = app.published_event(organizer, 5, 48).await;
    let delete = app
        .send_as(
            reqwest::Method::DELETE,
            &format!("/events/{unbooked}"),
            &organizer.access,
            None,
        )
        .await;
    assert_eq!(delete.status(), 204);
    assert_eq!(app.get(&format!("/events/{unbooked}")).await.status(), 404);
}

#[tokio::test]
async fn unpublished_cancelled_and_overbooked_requests_are_refused_cleanly() {
    let app = spawn_app().await;
    let (organizer, customer, event) = &app.one_event(5).await;

    for seats in [0, 11] {
        assert_eq!(app.book(customer, event, seats).await.status(), 422);
    }
    let too_many = app.book(customer, event, 6).await;
    assert_eq!(too_many.status(), 409);
    assert_eq!(problem_type(too_many).await, "urn:bazaar:problem:sold-out");
    assert_eq!(app.book(customer, "no-such-event", 1).await.status(), 404);

    let unpublish = app
        .post_as(
            &format!("/events/{event}/unpublish"),
            &organizer.access,
            json!({}),
        )
        .await;
    assert_eq!(unpublish.status(), 200);
    let closed = app.book(customer, event, 1).await;
    assert_eq!(closed.status(), 422);
    assert_eq!(
        problem_type(closed).await,
        "urn:bazaar:problem:not-bookable"
    );
    assert_eq!(
        app.get(&format!("/events/{event}")).await.status(),
        404,
        "drafts are not public"
    );

    app.post_as(
        &format!("/events/{event}/publish"),
        &organizer.access,
        json!({}),
    )
    .await;
    let cancel = app
        .post_as(
            &format!("/events/{event}/cancel"),
            &organizer.access,
            json!({}),
        )
        .await;
    assert_eq!(cancel.status(), 200);
    assert_eq!(app.book(customer, event, 1).await.status(), 422);
    let republish = app
        .post_as(
            &format!("/events/{event}/publish"),
            &organizer.access,
            json!({}),
        )
        .await;
    assert_eq!(republish.status(), 409);
    assert_eq!(app.event(event).await["available"], 5);
}

#[tokio::test]
async fn a_retried_booking_with_the_same_idempotency_key_gets_the_first_answer() {
    let app = spawn_app().await;
    let (_, customer, event) = &app.one_event(10).await;
    let send = |key: &'static str, seats: u32| {
        app.http
            .post(app.url(&format!("/events/{event}/bookings")))
            .bearer_auth(&customer.access)
            .header("idempotency-key", key)
            .json(&json!({ "seats": seats }))
            .send()
    };

    let first = send("retry-me-1", 2).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let retry = send("retry-me-1", 2).await.unwrap();
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["id"], first["id"]);
    assert_eq!(app.event(event).await["available"], 8);

    let reused = send("retry-me-1", 3).await.unwrap();
    assert_eq!(reused.status(), 422);
    // A new key is a new request: this customer already holds a booking.
    assert_eq!(send("retry-me-2", 1).await.unwrap().status(), 409);
}

#[tokio::test]
async fn the_public_listing_shows_published_upcoming_events_soonest_first() {
    let app = spawn_app().await;
    let organizer = &app.quick_users("organizer", 1).await[0];
    let later = app.published_event(organizer, 10, 72).await;
    let sooner = app.published_event(organizer, 10, 24).await;
    let hidden = app.published_event(organizer, 10, 30).await;
    app.post_as(
        &format!("/events/{hidden}/unpublish"),
        &organizer.access,
        json!({}),
    )
    .await;
    let renamed = app
        .send_as(
            reqwest::Method::PATCH,
            &format!("/events/{later}"),
            &organizer.access,
            Some(json!({"title": "Jazz Night", "venue": "Blue Room"})),
        )
        .await;
    assert_eq!(renamed.status(), 200);

    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all: Value = app.get("/events").await.json().await.unwrap();
    assert_eq!(ids(&all), [sooner.as_str(), later.as_str()]);

    let first: Value = app.get("/events?limit=1").await.json().await.unwrap();
    assert_eq!(ids(&first), [sooner.as_str()]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get(&format!("/events?limit=1&cursor={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&second), [later.as_str()]);

    let jazz: Value = app.get("/events?q=jazz%20BLUE").await.json().await.unwrap();
    assert_eq!(ids(&jazz), [later.as_str()]);
    let window: Value = app
        .http
        .get(app.url("/events"))
        .query(&[("from", in_hours(48)), ("to", in_hours(100))])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&window), [later]);
    assert_eq!(app.get("/events?from=yesterday").await.status(), 400);
    assert_eq!(app.get("/events?cursor=forged.cursor").await.status(), 400);
}
