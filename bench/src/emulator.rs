//! A Lambda Runtime API emulator on 127.0.0.1: just what `lambda_runtime` calls (`next`,
//! `response`, `error`, `init/error`), one function process per emulator, as on Lambda.
//!
//! It notes when the first `GET /runtime/invocation/next` arrives (the end of init) and times
//! each invocation from the moment its event is queued to the moment its answer is posted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

const API: &str = "/2018-06-01/runtime";

/// What a function answered to one invocation.
#[derive(Debug)]
pub struct Answer {
    /// `false` when it posted to `/error` (an unhandled error), not `/response`.
    pub ok: bool,
    pub body: Bytes,
    /// From queuing the event to receiving the answer.
    pub took: Duration,
}

struct Job {
    id: String,
    event: Bytes,
}

/// Invocations sent and not answered yet: when each was queued, where its answer goes.
type Waiting = HashMap<String, (Instant, oneshot::Sender<Answer>)>;

#[derive(Clone)]
struct Shared {
    first_next: watch::Sender<Option<Instant>>,
    jobs: Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>,
    waiting: Arc<Mutex<Waiting>>,
    init_error: watch::Sender<Option<String>>,
}

/// One emulator, serving one function process.
pub struct Emulator {
    pub port: u16,
    first_next: watch::Receiver<Option<Instant>>,
    init_error: watch::Receiver<Option<String>>,
    jobs: mpsc::Sender<Job>,
    shared: Shared,
    server: JoinHandle<()>,
    counter: u64,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Emulator {
    pub async fn start() -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (first_next, first_rx) = watch::channel(None);
        let (init_error, init_error_rx) = watch::channel(None);
        let (jobs, jobs_rx) = mpsc::channel(1);
        let shared = Shared {
            first_next,
            jobs: Arc::new(tokio::sync::Mutex::new(jobs_rx)),
            waiting: Arc::default(),
            init_error,
        };
        let app = Router::new()
            .route(&format!("{API}/invocation/next"), get(next))
            .route(&format!("{API}/invocation/{{id}}/response"), post(response))
            .route(&format!("{API}/invocation/{{id}}/error"), post(error))
            .route(&format!("{API}/init/error"), post(init_failed))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            port,
            first_next: first_rx,
            init_error: init_error_rx,
            jobs,
            shared,
            server,
            counter: 0,
        })
    }

    /// Waits for the function's first `next`: the instant its init ended.
    pub async fn ready(&mut self, limit: Duration) -> anyhow::Result<Instant> {
        let mut errors = self.init_error.clone();
        let ready = self.first_next.wait_for(Option::is_some);
        tokio::select! {
            at = tokio::time::timeout(limit, ready) => {
                let at = at.context("no /invocation/next: init did not finish")??;
                Ok(at.expect("waited for Some"))
            }
            Ok(error) = errors.wait_for(Option::is_some) => {
                Err(anyhow!("init failed: {}", error.clone().unwrap_or_default()))
            }
        }
    }

    /// Sends one event and waits for its answer.
    pub async fn invoke(&mut self, event: Bytes, limit: Duration) -> anyhow::Result<Answer> {
        self.counter += 1;
        let id = format!("bench-{}", self.counter);
        let (tx, rx) = oneshot::channel();
        let queued = Instant::now();
        self.shared
            .waiting
            .lock()
            .expect("not poisoned")
            .insert(id.clone(), (queued, tx));
        self.jobs.send(Job { id, event }).await?;
        tokio::time::timeout(limit, rx)
            .await
            .context("the function did not answer in time")?
            .context("the emulator stopped")
    }
}

async fn next(State(shared): State<Shared>) -> impl IntoResponse {
    let now = Instant::now();
    shared.first_next.send_if_modified(|first| {
        first.get_or_insert(now);
        true
    });
    let job = shared.jobs.lock().await.recv().await;
    let Some(job) = job else {
        return (StatusCode::GONE, HeaderMap::new(), Bytes::new());
    };
    let mut headers = HeaderMap::new();
    let deadline = std::time::SystemTime::now() + Duration::from_secs(30);
    let deadline = deadline
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let value = |text: &str| HeaderValue::from_str(text).expect("a header value");
    headers.insert("lambda-runtime-aws-request-id", value(&job.id));
    headers.insert(
        "lambda-runtime-deadline-ms",
        value(&deadline.as_millis().to_string()),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        value("arn:aws:lambda:us-east-1:123456789012:function:bench"),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        value("Root=1-00000000-000000000000000000000000"),
    );
    headers.insert("content-type", value("application/json"));
    (StatusCode::OK, headers, job.event)
}

fn answer(shared: &Shared, id: &str, ok: bool, body: Bytes) -> StatusCode {
    let now = Instant::now();
    let waiting = shared.waiting.lock().expect("not poisoned").remove(id);
    if let Some((queued, tx)) = waiting {
        let _ = tx.send(Answer {
            ok,
            body,
            took: now - queued,
        });
    }
    StatusCode::ACCEPTED
}

async fn response(State(shared): State<Shared>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    answer(&shared, &id, true, body)
}

async fn error(State(shared): State<Shared>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    answer(&shared, &id, false, body)
}

async fn init_failed(State(shared): State<Shared>, body: Bytes) -> StatusCode {
    let text = String::from_utf8_lossy(&body).into_owned();
    shared.init_error.send_replace(Some(text));
    StatusCode::ACCEPTED
}
