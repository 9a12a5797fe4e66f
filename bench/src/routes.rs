//! Warm latency of the hot routes, beside the same DynamoDB calls made bare by the baseline,
//! and the round trips of one request of each, counted on the wire (`proxy`).

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use axum::body::Bytes;
use serde_json::{Value, json};

use crate::cold::Plan;
use crate::fixtures::User;
use crate::process::{self, Platform};
use crate::proxy::{self, CountingProxy};
use crate::report::{self, RouteRow};

/// One request of a route: method, path with query, the caller, the body.
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub user: Option<User>,
    pub body: Option<Value>,
}

/// A hot route: its function, the request of the i-th invocation, its round-trip floor.
pub struct Route {
    pub name: &'static str,
    pub binary: &'static str,
    pub floor: usize,
    /// Why the route's own work outweighs its DynamoDB calls on purpose (sign-in's argon2id):
    /// its p50 is then read against itself across builds, not against the bare calls.
    pub by_design: Option<&'static str>,
    pub request: Box<dyn Fn(usize) -> Request + Send + Sync>,
}

/// The answers of one measured pass.
pub struct Pass {
    pub took: Vec<Duration>,
    pub bodies: Vec<Value>,
    pub status: u16,
}

/// An API Gateway HTTP API (v2) event, from the shape of `events/system/get-health.json`.
pub fn http_event(shape: &Value, request: &Request) -> Bytes {
    let mut event = shape.clone();
    let (path, query) = request.path.split_once('?').unwrap_or((&request.path, ""));
    event["routeKey"] = json!("$default");
    event["rawPath"] = json!(path);
    event["rawQueryString"] = json!(query);
    event["requestContext"]["http"]["method"] = json!(request.method);
    event["requestContext"]["http"]["path"] = json!(path);
    event["requestContext"]["routeKey"] = json!("$default");
    let headers = &mut event["headers"];
    if let Some(user) = &request.user {
        headers["authorization"] = json!(format!("Bearer {}", user.access));
    }
    match &request.body {
        Some(body) => {
            let text = body.to_string();
            headers["content-type"] = json!("application/json");
            headers["content-length"] = json!(text.len().to_string());
            event["body"] = json!(text);
        }
        None => event["body"] = Value::Null,
    }
    event["isBase64Encoded"] = json!(false);
    Bytes::from(event.to_string())
}

/// A warm function process and what it answered.
struct Side {
    running: process::Running,
    pass: Pass,
    binary: String,
}

impl Side {
    async fn start(
        plan: &Plan,
        binary: &str,
        env: &HashMap<String, String>,
    ) -> anyhow::Result<Self> {
        let log = plan.out.join(format!("{binary}.warm.log"));
        let path = plan.bootstrap(binary);
        let mut running = process::spawn(&path, binary, env, &plan.platform, &log).await?;
        running.init().await?;
        let pass = Pass {
            took: Vec::new(),
            bodies: Vec::new(),
            status: 0,
        };
        Ok(Self {
            running,
            pass,
            binary: binary.to_owned(),
        })
    }

    /// Sends one event; answers the API Gateway response (status, headers, body).
    async fn send(&mut self, event: Bytes) -> anyhow::Result<Value> {
        let answer = self
            .running
            .emulator
            .invoke(event, Duration::from_secs(30))
            .await?;
        let body: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        self.pass.status = body["statusCode"].as_u64().unwrap_or(0) as u16;
        // Every hot request must do its work: a 4xx (an expired token, a used-up fixture)
        // would time an early refusal instead.
        if !answer.ok || self.pass.status >= 400 {
            bail!("{}: {}", self.binary, String::from_utf8_lossy(&answer.body));
        }
        self.pass.took.push(answer.took);
        let inner = body["body"].as_str().unwrap_or_default();
        self.pass
            .bodies
            .push(serde_json::from_str(inner).unwrap_or_default());
        Ok(body)
    }
}

/// Counts one request's DynamoDB calls (request 0), then times requests 1..=n, then the same
/// calls replayed n times by the baseline.
pub async fn measure(
    plan: &Plan,
    route: &Route,
    env: &HashMap<String, String>,
    shape: &Value,
    n: usize,
    warm_table: &str,
) -> anyhow::Result<(RouteRow, Pass)> {
    let proxy = CountingProxy::start(&plan.platform.dynamodb_endpoint).await?;
    let queues = proxy.beside(&plan.platform.aws_endpoint).await?;
    let counted = Platform {
        dynamodb_endpoint: proxy.url.clone(),
        aws_endpoint: queues.url.clone(),
        ..plan.platform.clone()
    };
    let first = http_event(shape, &(route.request)(0));
    let log = plan.out.join(format!("{}.count.log", route.binary));
    let binary = plan.bootstrap(route.binary);
    let mut running = process::spawn(&binary, route.binary, env, &counted, &log).await?;
    running.init().await?;
    proxy.take(); // the warm-up call of init
    let answer = running
        .emulator
        .invoke(first, Duration::from_secs(30))
        .await?;
    drop(running);
    // Only SQS calls are replayed besides DynamoDB's (nothing else is on a hot route).
    let calls: Vec<_> = proxy
        .take()
        .into_iter()
        .filter(|c| {
            proxy::is_dynamodb(c)
                || c["target"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("AmazonSQS."))
        })
        .collect();
    let status: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    let status = status["statusCode"].as_u64().unwrap_or(0);
    if !(200..300).contains(&status) {
        bail!(
            "{}: the counted request answered {status}: {}",
            route.name,
            String::from_utf8_lossy(&answer.body)
        );
    }

    // The function and the baseline run side by side, their requests alternating, so both
    // see the same machine (other builds, DynamoDB Local's JIT and garbage collection).
    let mut function = Side::start(plan, route.binary, env).await?;

    let replay = Request {
        method: "POST",
        path: "/replay".into(),
        user: None,
        body: Some(json!(calls)),
    };
    let replay = http_event(shape, &replay);
    let bare_env = HashMap::from([("BASELINE_WARM_UP".to_owned(), warm_table.to_owned())]);
    let mut baseline = Side::start(plan, "baseline", &bare_env).await?;
    for i in 1..=n {
        function
            .send(http_event(shape, &(route.request)(i)))
            .await?;
        let answer = baseline.send(replay.clone()).await?;
        let made = answer["headers"]["x-bench-calls"]
            .as_str()
            .unwrap_or_default();
        if made != calls.len().to_string() {
            bail!(
                "{}: the baseline replayed {made} of {} calls",
                route.name,
                calls.len()
            );
        }
    }
    let (timed, bare) = (function.pass, baseline.pass);

    let mut took = timed.took.clone();
    took.sort();
    let mut bare_took = bare.took.clone();
    bare_took.sort();
    let p50 = report::percentile(&took, 50.0);
    let bare_p50 = report::percentile(&bare_took, 50.0);
    let mut row = RouteRow {
        route: route.name.to_owned(),
        binary: route.binary.to_owned(),
        status: timed.status,
        invocations: n,
        p50_ms: p50,
        p99_ms: report::percentile(&took, 99.0),
        bare_p50_ms: bare_p50,
        bare_p99_ms: report::percentile(&bare_took, 99.0),
        ratio: if bare_p50 > 0.0 { p50 / bare_p50 } else { 0.0 },
        round_trips: calls.iter().filter(|c| proxy::is_dynamodb(c)).count(),
        calls: calls.iter().map(proxy::operation).collect(),
        floor: route.floor,
        by_design: route.by_design,
        over: Vec::new(),
    };
    row.over = report::route_over(&row);
    Ok((row, timed))
}

/// The shape of every HTTP event.
pub fn shape(events: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(events.join("system/get-health.json"))?;
    serde_json::from_str(&text).context("events/system/get-health.json")
}
