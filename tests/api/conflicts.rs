//! A fault injector in front of DynamoDB Local: DynamoDB Local runs transactions one at a time
//! and never reports a `TransactionConflict`, so this proxy forwards every call unchanged except
//! the next `n` `TransactWriteItems`, which it answers as DynamoDB does when another transaction
//! holds an item: `TransactionCanceledException` with a `TransactionConflict` reason. The code
//! under test is our real store over real HTTP; only the race is staged.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

const TRANSACT: &str = "DynamoDB_20120810.TransactWriteItems";

#[derive(Clone)]
pub struct ConflictProxy {
    pub url: String,
    state: Arc<ProxyState>,
}

struct ProxyState {
    upstream: String,
    http: reqwest::Client,
    /// Conflicts still to inject.
    pending: AtomicUsize,
    /// `TransactWriteItems` calls seen (injected or forwarded).
    transactions: AtomicUsize,
}

impl ConflictProxy {
    /// A proxy on 127.0.0.1 (any free port) in front of `upstream` (DynamoDB Local).
    pub async fn start(upstream: &str) -> Self {
        let state = Arc::new(ProxyState {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            pending: AtomicUsize::new(0),
            transactions: AtomicUsize::new(0),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, state }
    }

    /// The next `n` transactions lose a race.
    pub fn inject(&self, n: usize) {
        self.state.pending.store(n, Ordering::SeqCst);
        self.state.transactions.store(0, Ordering::SeqCst);
    }

    /// `TransactWriteItems` calls since the last [`ConflictProxy::inject`].
    pub fn transactions(&self) -> usize {
        self.state.transactions.load(Ordering::SeqCst)
    }
}

async fn forward(
    State(state): State<Arc<ProxyState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok());
    if target == Some(TRANSACT) {
        state.transactions.fetch_add(1, Ordering::SeqCst);
        let inject = state
            .pending
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if inject {
            return conflict(&body);
        }
    }
    let mut request = state
        .http
        .request(method, format!("{}{uri}", state.upstream));
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    let answer = request.body(body).send().await.unwrap();
    let status = answer.status();
    let mut response = Response::builder().status(status);
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(answer.bytes().await.unwrap()))
        .unwrap()
}

/// What DynamoDB answers when another transaction holds the first item: one reason per action.
fn conflict(request: &[u8]) -> Response {
    let actions = serde_json::from_slice::<serde_json::Value>(request)
        .ok()
        .and_then(|v| v["TransactItems"].as_array().map(Vec::len))
        .unwrap_or(1);
    let reasons: Vec<serde_json::Value> = (0..actions)
        .map(|i| match i {
            0 => serde_json::json!({"Code": "TransactionConflict",
                "Message": "Transaction is ongoing for the item"}),
            _ => serde_json::json!({"Code": "None"}),
        })
        .collect();
    let body = serde_json::json!({
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
        "CancellationReasons": reasons,
    });
    (
        StatusCode::BAD_REQUEST,
        [("content-type", "application/x-amz-json-1.0")],
        body.to_string(),
    )
        .into_response()
}
