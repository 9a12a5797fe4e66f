//! The round-trip counter: an HTTP proxy in front of DynamoDB Local that records every request
//! a function sends (its `X-Amz-Target` operation and JSON body) and forwards it unchanged. A
//! second one, sharing the record, stands in front of moto for the SQS calls (`SendMessage` of a
//! confirmation, say): they are not DynamoDB round trips, but the bare replay makes them too,
//! so a route that queues a job is compared with bare calls that queue it as well.
//!
//! Counting on the wire, not inside the SDK, counts exactly the round trips DynamoDB would see
//! (an SDK retry is one more), and needs no measuring code in the functions: a function under
//! count is the very binary measured for latency, with `AWS_ENDPOINT_URL_DYNAMODB` pointed here.
//! Only the counting pass goes through it; latency is measured without it.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

/// One DynamoDB request as sent.
pub type Call = Value;

#[derive(Clone)]
struct Shared {
    upstream: String,
    http: reqwest::Client,
    calls: Arc<Mutex<Vec<Call>>>,
}

pub struct CountingProxy {
    pub url: String,
    calls: Arc<Mutex<Vec<Call>>>,
    server: JoinHandle<()>,
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl CountingProxy {
    pub async fn start(upstream: &str) -> anyhow::Result<Self> {
        Self::listen(upstream, Arc::default()).await
    }

    /// Another proxy, in front of `upstream`, recording into the same list as `self`.
    pub async fn beside(&self, upstream: &str) -> anyhow::Result<Self> {
        Self::listen(upstream, self.calls.clone()).await
    }

    async fn listen(upstream: &str, calls: Arc<Mutex<Vec<Call>>>) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let shared = Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            calls: calls.clone(),
        };
        let app = Router::new().fallback(forward).with_state(shared);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { url, calls, server })
    }

    /// The calls recorded since the last `take`.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().expect("not poisoned"))
    }
}

async fn forward(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|t| t.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let recorded: Value = serde_json::from_slice(&body).unwrap_or_default();
    shared
        .calls
        .lock()
        .expect("not poisoned")
        .push(json!({"target": target, "body": recorded}));
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = shared
        .http
        .request(method, format!("{}{path}", shared.upstream))
        .body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    match request.send().await {
        Ok(answer) => {
            let status = answer.status();
            let mut out = HeaderMap::new();
            for (name, value) in answer.headers() {
                if name != "content-length" && name != "transfer-encoding" {
                    out.insert(name.clone(), value.clone());
                }
            }
            let bytes = answer.bytes().await.unwrap_or_default();
            (status, out, bytes).into_response()
        }
        Err(error) => (StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
    }
}

/// `DynamoDB_20120810.GetItem` → `GetItem`; `AmazonSQS.SendMessage` → `SQS SendMessage`.
pub fn operation(call: &Call) -> String {
    let target = call["target"].as_str().unwrap_or_default();
    let op = target.rsplit('.').next().unwrap_or(target);
    if is_dynamodb(call) {
        op.to_owned()
    } else {
        format!("SQS {op}")
    }
}

/// Whether `call` went to DynamoDB (the round trips a floor counts).
pub fn is_dynamodb(call: &Call) -> bool {
    call["target"]
        .as_str()
        .is_some_and(|t| t.starts_with("DynamoDB_"))
}
