//! What a Lambda binary is: one `build` that turns its configuration into a handler, run the
//! same way by its `main` on Lambda and by the local stack.
//!
//! ```ignore
//! // functions/tickets/src/bin/events.rs: the whole binary
//! #[tokio::main]
//! async fn main() -> Result<(), lambda_runtime::Error> {
//!     bazaar_shared::function::run(bazaar_tickets::events::build).await
//! }
//! ```

use std::future::Future;
use std::sync::Arc;

use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use axum::Router;
use futures_util::future::BoxFuture;
use lambda_runtime::{LambdaEvent, service_fn};

use crate::clock::Clock;
use crate::config::{ConfigError, Env};
use crate::{AwsClients, telemetry};

/// What a function gets at cold start: its variables, the SDK clients, the clock.
#[derive(Clone, Debug)]
pub struct Init {
    pub env: Env,
    pub aws: AwsClients,
    pub clock: Clock,
}

impl Init {
    /// An `Init` for unit tests of a `build`: `vars`, SDK clients pointed at a closed local port
    /// (building them opens no connection) and the wall clock.
    pub fn offline<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let vars = vars.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned()));
        Self {
            env: Env::from_map(vars.collect()),
            aws: AwsClients::for_endpoints("http://127.0.0.1:1", "http://127.0.0.1:1", "us-east-1"),
            clock: Clock::system(),
        }
    }
}

/// An SQS consumer: reports the messages that failed (`batchItemFailures`).
pub type QueueHandler = Arc<dyn Fn(SqsEvent) -> BoxFuture<'static, SqsBatchResponse> + Send + Sync>;

/// A scheduled function: takes the schedule's `Input`, returns what it reports.
pub type ScheduledHandler = Arc<
    dyn Fn(serde_json::Value) -> BoxFuture<'static, anyhow::Result<serde_json::Value>>
        + Send
        + Sync,
>;

/// The three kinds of function in `template.yaml`.
pub enum Handler {
    Http(Router),
    Queue(QueueHandler),
    Scheduled(ScheduledHandler),
}

/// A built function, and the table whose connection its init opens ahead of the first call.
pub struct Function {
    pub handler: Handler,
    pub warm_table: Option<String>,
}

/// The signature of every binary's `build`.
pub type Build = fn(&Init) -> Result<Function, ConfigError>;

impl Function {
    pub fn http(router: Router) -> Self {
        Self::of(Handler::Http(router))
    }

    /// A queue consumer from a cloneable value and its handling method.
    pub fn queue<T, F, Fut>(consumer: T, handle: F) -> Self
    where
        T: Clone + Send + Sync + 'static,
        F: Fn(T, SqsEvent) -> Fut + Copy + Send + Sync + 'static,
        Fut: Future<Output = SqsBatchResponse> + Send + 'static,
    {
        Self::of(Handler::Queue(Arc::new(move |event| {
            Box::pin(handle(consumer.clone(), event))
        })))
    }

    /// A scheduled function from a cloneable value and its run method.
    pub fn scheduled<T, F, Fut>(job: T, run: F) -> Self
    where
        T: Clone + Send + Sync + 'static,
        F: Fn(T, serde_json::Value) -> Fut + Copy + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<serde_json::Value>> + Send + 'static,
    {
        Self::of(Handler::Scheduled(Arc::new(move |input| {
            Box::pin(run(job.clone(), input))
        })))
    }

    /// Opens the DynamoDB connection to `table` during init (see [`AwsClients::warm_up`]).
    pub fn warming(mut self, table: &str) -> Self {
        self.warm_table = Some(table.to_owned());
        self
    }

    fn of(handler: Handler) -> Self {
        Self {
            handler,
            warm_table: None,
        }
    }
}

/// The `main` of every binary: logs, SDK clients, `build`, warm-up, then the Lambda runtime.
pub async fn run(build: Build) -> Result<(), lambda_runtime::Error> {
    telemetry::init();
    let init = Init {
        env: Env::from_process(),
        aws: AwsClients::from_env().await,
        clock: Clock::system(),
    };
    let function = build(&init)?;
    if let Some(table) = &function.warm_table {
        init.aws.warm_up(table).await;
    }
    match function.handler {
        Handler::Http(router) => lambda_http::run(router).await,
        Handler::Queue(handle) => {
            lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
                let answer = handle(event.payload);
                async move { Ok::<_, lambda_runtime::Error>(answer.await) }
            }))
            .await
        }
        Handler::Scheduled(run) => {
            lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
                let answer = run(event.payload);
                async move { answer.await.map_err(lambda_runtime::Error::from) }
            }))
            .await
        }
    }
}
