//! Outages of the services Bazaar depends on: a stand-in is really stopped in the middle of
//! traffic and started again. Requests meanwhile are answered 503 problem+json with
//! `Retry-After` (never 500, never a hang past the function timeout), nothing is left half
//! written, and service resumes on its own once the stand-in is back.
//!
//! Each test runs its own DynamoDB Local (through `local/stack.sh`, on a free port, with its
//! data on disk so that it survives the restart), so the shared stand-ins are never stopped.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::shop::{line, order_id, product};
use crate::support::{TestApp, TestUser, repo, spawn_app_with};

/// Every function's timeout unless the template raises it (`Globals.Function.Timeout`).
const FUNCTION_TIMEOUT: Duration = Duration::from_secs(10);

/// A stand-in of one test's own (DynamoDB Local with its data on disk, or moto), started and
/// stopped by `local/stack.sh`.
struct OwnStandIn {
    service: &'static str,
    port: u16,
    data: PathBuf,
}

impl OwnStandIn {
    async fn start(service: &'static str) -> Self {
        let port = free_port();
        let data = std::env::temp_dir().join(format!("bazaar-outage-{port}"));
        let stand_in = Self {
            service,
            port,
            data,
        };
        stand_in.stack("start").await;
        stand_in
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn command(&self, verb: &str) -> std::process::Command {
        // The other service's port is never used, but it must differ from this one.
        let (dynamodb, moto) = match self.service {
            "dynamodb" => (self.port, self.port - 1),
            _ => (self.port - 1, self.port),
        };
        let mut command = std::process::Command::new("bash");
        command
            .arg(repo().join("local/stack.sh"))
            .args([verb, self.service])
            .env("BAZAAR_DYNAMODB_PORT", dynamodb.to_string())
            .env("BAZAAR_MOTO_PORT", moto.to_string())
            .env("BAZAAR_DYNAMODB_DB_PATH", &self.data)
            .stdout(std::process::Stdio::null());
        command
    }

    /// `local/stack.sh <verb> <service>` for this instance; panics when it fails.
    async fn stack(&self, verb: &'static str) {
        let mut command = self.command(verb);
        let status = tokio::task::spawn_blocking(move || command.status())
            .await
            .unwrap()
            .expect("bash runs local/stack.sh");
        assert!(
            status.success(),
            "local/stack.sh {verb} {} failed",
            self.service
        );
    }
}

impl Drop for OwnStandIn {
    fn drop(&mut self) {
        let _ = self
            .command("stop")
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// What a client saw of one request.
struct Seen {
    status: StatusCode,
    took: Duration,
    retry_after: Option<String>,
    content_type: String,
    body: Value,
}

impl Seen {
    async fn of(started: Instant, response: reqwest::Response) -> Self {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let retry_after = header("retry-after");
        let content_type = header("content-type").unwrap_or_default();
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        Self {
            status,
            took: started.elapsed(),
            retry_after,
            content_type,
            body,
        }
    }

    fn id(&self, key: &str) -> String {
        self.body[key].as_str().unwrap().to_owned()
    }
}

/// One customer's traffic: book an event, order a cup, next event, … until DynamoDB has
/// answered through an outage twice.
async fn burst(
    app: &TestApp,
    customer: &TestUser,
    events: &[String],
    cup: &Value,
    ok: &AtomicUsize,
) -> Vec<(&'static str, Seen)> {
    let mut seen = Vec::new();
    for event in events {
        let started = Instant::now();
        let booked = Seen::of(started, app.book(customer, event, 1).await).await;
        let started = Instant::now();
        let ordered = Seen::of(started, app.checkout(customer, vec![line(cup, 1)]).await).await;
        for (what, answer) in [("booking", booked), ("order", ordered)] {
            if answer.status.is_success() {
                ok.fetch_add(1, Ordering::SeqCst);
            }
            seen.push((what, answer));
        }
        let outages = seen.iter().filter(|(_, s)| s.status == 503).count();
        if outages >= 2 {
            break;
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_stopped_mid_burst_answers_503_writes_nothing_by_halves_and_service_resumes() {
    let dynamo = OwnStandIn::start("dynamodb").await;
    let endpoint = dynamo.endpoint();
    let app = spawn_app_with(|config| config.dynamodb_endpoint = endpoint).await;
    let organizer = app.quick_users("organizer", 1).await.remove(0);
    let staff = app.shop_staff(1).await.remove(0);
    let customers = app.quick_users("customer", 10).await;
    let mut events = Vec::new();
    for _ in 0..12 {
        events.push(app.published_event(&organizer, 500, 48).await);
    }
    let cup = app
        .create_product(&staff, product("OUTAGE-1", 500, 1000))
        .await;

    // The burst runs; once 20 requests have succeeded, DynamoDB Local is stopped under it.
    let ok = AtomicUsize::new(0);
    let stopper = async {
        while ok.load(Ordering::SeqCst) < 20 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        dynamo.stack("stop").await;
    };
    let traffic = join_all(
        customers
            .iter()
            .map(|customer| burst(&app, customer, &events, &cup, &ok)),
    );
    let (seen, ()) = tokio::join!(traffic, stopper);

    let all: Vec<&(&str, Seen)> = seen.iter().flatten().collect();
    let succeeded = all.iter().filter(|(_, s)| s.status.is_success()).count();
    let outages = all.iter().filter(|(_, s)| s.status == 503).count();
    let slowest = all.iter().map(|(_, s)| s.took).max().unwrap();
    eprintln!("outage burst: {succeeded} succeeded, {outages} answered 503, slowest {slowest:?}");
    assert!(
        succeeded >= 20,
        "{succeeded} requests succeeded before the outage"
    );
    assert!(
        outages >= 2 * customers.len(),
        "{outages} answers during the outage"
    );
    for (what, answer) in &all {
        assert!(
            answer.status == 201 || answer.status == 503,
            "a {what} was answered {} during the outage: {}",
            answer.status,
            answer.body
        );
        assert!(
            answer.took < FUNCTION_TIMEOUT,
            "a {what} took {:?}, past the function timeout",
            answer.took
        );
        if answer.status == 503 {
            assert_eq!(answer.content_type, "application/problem+json");
            assert_eq!(
                answer.body["type"], "urn:bazaar:problem:service-unavailable",
                "{}",
                answer.body
            );
            assert!(answer.retry_after.is_some(), "503 without Retry-After");
        }
    }

    // DynamoDB comes back with the data it had; nobody restarts Bazaar.
    dynamo.stack("start").await;
    let booked: Vec<String> = all
        .iter()
        .filter(|(what, s)| *what == "booking" && s.status == 201)
        .map(|(_, s)| s.id("id"))
        .collect();
    let ordered: Vec<String> = all
        .iter()
        .filter(|(what, s)| *what == "order" && s.status == 201)
        .map(|(_, s)| s.id("order_id"))
        .collect();
    let mut listed_bookings = Vec::new();
    let mut cups_ordered = 0;
    let mut listed_orders = Vec::new();
    for customer in &customers {
        let mine = app.json_as("/bookings?limit=100", &customer.access).await;
        for booking in mine["items"].as_array().unwrap() {
            listed_bookings.push(booking["id"].as_str().unwrap().to_owned());
        }
        let orders = app.my_orders(customer).await;
        for order in orders["items"].as_array().unwrap() {
            listed_orders.push(order_id(order).to_owned());
            cups_ordered += order["lines"][0]["quantity"].as_i64().unwrap();
        }
    }
    // Every booking and order answered 201 is there. A request whose answer was lost in the
    // outage may have committed too, but only whole: seats and stock match what is listed.
    for id in &booked {
        assert!(
            listed_bookings.contains(id),
            "booking {id} was answered 201 but is gone"
        );
    }
    for id in &ordered {
        assert!(
            listed_orders.contains(id),
            "order {id} was answered 201 but is gone"
        );
    }
    let mut seats_sold = 0;
    for event in &events {
        let detail = app.event(event).await;
        seats_sold += 500 - detail["available"].as_u64().unwrap() as usize;
        assert_eq!(
            500 - detail["available"].as_u64().unwrap() as usize,
            app.active_bookers(event).await,
            "seats taken and bookings of an event disagree"
        );
    }
    assert_eq!(
        seats_sold,
        listed_bookings.len(),
        "seats sold and bookings listed disagree"
    );
    let stock = app.stock_of(&staff, crate::shop::id_of(&cup)).await;
    assert_eq!(
        stock + cups_ordered,
        1000,
        "stock and cups ordered disagree"
    );

    // Service resumed on its own: the same customers book again.
    let extra = app.published_event(&organizer, 500, 48).await;
    for customer in &customers {
        assert_eq!(app.book(customer, &extra, 1).await.status(), 201);
    }
}

/// moto keeps nothing across a restart (unlike SQS and S3): create the stage's queues, buckets
/// and mail identity again, as `make run` does at every start.
async fn provision_again(app: &TestApp) {
    let template = bazaar_local::template::Template::load(&repo().join("template.yaml")).unwrap();
    let options = bazaar_local::provision::ProvisionOptions {
        visibility_timeout: Some(crate::support::TEST_VISIBILITY_TIMEOUT),
    };
    let mut resolver = app.stack.resolver.clone();
    bazaar_local::provision::provision(&template, &mut resolver, &app.stack.aws, &options)
        .await
        .unwrap();
}

#[tokio::test]
async fn with_sqs_and_s3_stopped_bookings_and_sign_ups_stand_uploads_answer_503_and_the_mail_follows()
 {
    let moto = OwnStandIn::start("moto").await;
    let endpoint = moto.endpoint();
    let app = spawn_app_with(|config| config.aws_endpoint = endpoint).await;
    let organizer = app.quick_users("organizer", 1).await.remove(0);
    let customer = app.quick_users("customer", 1).await.remove(0);
    let event = app.published_event(&organizer, 10, 48).await;

    moto.stack("stop").await;
    let started = Instant::now();
    let booked = app.book(&customer, &event, 2).await;
    assert_eq!(booked.status(), 201, "the booking stands without its queue");
    let booking = booked.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let newcomer = crate::support::fresh_address();
    assert_eq!(app.register(&newcomer, "customer").await.status(), 201);
    let upload = app
        .http
        .put(app.url("/me/avatar"))
        .bearer_auth(&customer.access)
        .header("content-type", "image/png")
        .body(crate::support::PNG)
        .send()
        .await
        .unwrap();
    let upload = Seen::of(started, upload).await;
    assert_eq!(upload.status, 503, "{}", upload.body);
    assert_eq!(
        upload.body["type"],
        "urn:bazaar:problem:service-unavailable"
    );
    assert!(upload.retry_after.is_some());
    assert!(started.elapsed() < 3 * FUNCTION_TIMEOUT);
    let mine = app.json_as("/bookings", &customer.access).await;
    assert_eq!(mine["items"][0]["id"], booking.as_str());

    // Nothing is lost while SQS is away: the jobs wait in the outbox.
    let relayed = app.stack.fire("OutboxRelayFunction").await.unwrap();
    assert_eq!(relayed, vec![json!({"sent": 0, "left": 2})]);

    moto.stack("start").await;
    provision_again(&app).await;
    let relayed = app.stack.fire("OutboxRelayFunction").await.unwrap();
    assert_eq!(relayed, vec![json!({"sent": 2, "left": 0})]);
    let confirmation = app.wait_for_mail(&customer.email, 1).await;
    assert_eq!(
        confirmation.len(),
        1,
        "the booking's confirmation never came"
    );
    assert!(
        confirmation[0].subject.contains("Rust Meetup"),
        "{}",
        confirmation[0].subject
    );
    // The newcomer's code arrived too, and it works.
    let code = app.code_from_mail(&newcomer, 1).await;
    let verified = app
        .post_json("/auth/verify", json!({"email": newcomer, "code": code}))
        .await;
    assert_eq!(verified.status(), 200);
    // Sent once: a second run finds the outbox empty, and the mailer sent each job once.
    let relayed = app.stack.fire("OutboxRelayFunction").await.unwrap();
    assert_eq!(relayed, vec![json!({"sent": 0, "left": 0})]);
    app.wait_until_drained("MailQueue").await;
    assert_eq!(app.mail_to(&customer.email).await.len(), 1);
}
