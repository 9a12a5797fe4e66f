//! One local stack: provisioned stand-in resources for one stage, every function of the
//! template built from its resolved environment, queue pollers, schedules and the dev server.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use axum::Router;
use bazaar_shared::{AwsClients, Env};
use chrono::Utc;
use tokio::task::JoinHandle;
use tracing::Instrument;

use crate::functions::{FunctionSpec, Route, functions};
use crate::poller::Poller;
use crate::provision::{ProvisionOptions, Provisioned, provision};
use crate::registry::{LocalFunction, ScheduledHandler, build};
use crate::scheduler::Every;
use crate::server;
use crate::template::{Resolver, Template};

/// moto's default account.
pub const ACCOUNT: &str = "123456789012";

/// How to bring a stack up.
#[derive(Debug, Clone)]
pub struct StackConfig {
    pub template: PathBuf,
    /// The template's `Stage` parameter: every resource name contains it, so stacks with
    /// different stages share the stand-ins without seeing each other's data.
    pub stage: String,
    /// Extra template parameters.
    pub parameters: HashMap<String, String>,
    pub aws_endpoint: String,
    pub dynamodb_endpoint: String,
    pub region: String,
    pub bind: SocketAddr,
    pub provision: ProvisionOptions,
    /// Poll queues wired to functions (off for tests that drive the queue by hand).
    pub poll_queues: bool,
    /// Fire scheduled functions on their schedules (they can always be fired on demand).
    pub run_schedules: bool,
    /// Where `local/stack.sh` installed the stand-ins (for the docs page's script).
    pub stack_dir: PathBuf,
}

impl StackConfig {
    /// Defaults from the environment that `local/stack.sh env` prints.
    pub fn from_env(repo: PathBuf, stage: &str) -> Self {
        let var =
            |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
        Self {
            template: repo.join("template.yaml"),
            stage: stage.to_owned(),
            parameters: HashMap::new(),
            aws_endpoint: var("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            dynamodb_endpoint: var("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"),
            region: var("AWS_REGION", "us-east-1"),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            provision: ProvisionOptions::default(),
            poll_queues: true,
            run_schedules: true,
            stack_dir: std::env::var_os("BAZAAR_STACK_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| repo.join(".stack")),
        }
    }
}

/// What the `/_local` pages need.
pub struct Shared {
    pub moto_url: String,
    pub http: reqwest::Client,
    pub stack_dir: PathBuf,
    pub stage: String,
    pub functions: Vec<FunctionSpec>,
    pub provisioned: Provisioned,
    pub scheduled: HashMap<String, (ScheduledHandler, Vec<serde_json::Value>)>,
}

impl Shared {
    /// Fires every schedule of one function once, with its template `Input`.
    pub async fn fire(&self, function: &str) -> Option<anyhow::Result<Vec<serde_json::Value>>> {
        let (handler, inputs) = self.scheduled.get(function)?;
        let mut outputs = Vec::new();
        for input in inputs {
            match handler(input.clone()).await {
                Ok(output) => outputs.push(output),
                Err(error) => return Some(Err(error)),
            }
        }
        Some(Ok(outputs))
    }

    pub fn describe(&self) -> serde_json::Value {
        let functions: Vec<_> = self
            .functions
            .iter()
            .map(|f| {
                serde_json::json!({
                    "function": f.logical_id,
                    "binary": f.binary,
                    "routes": f.routes.iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>(),
                    "queues": f.queues.iter().map(|q| &q.queue_logical_id).collect::<Vec<_>>(),
                    "schedules": f.schedules.iter().map(|s| &s.expression).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::json!({
            "stage": self.stage,
            "functions": functions,
            "tables": self.provisioned.tables,
            "queues": self.provisioned.queues,
            "buckets": self.provisioned.buckets,
            "pages": ["/docs", "/openapi.json", "/_local/mail", "/_local/mail.html", "POST /_local/schedules/{function}"],
        })
    }
}

/// A running local stack. Dropping it stops its server, pollers and schedules.
pub struct LocalStack {
    pub base_url: String,
    pub addr: SocketAddr,
    pub aws: AwsClients,
    pub resolver: Resolver,
    pub shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl LocalStack {
    pub async fn start(config: StackConfig) -> anyhow::Result<Self> {
        let template = Template::load(&config.template)?;
        let mut parameters = config.parameters.clone();
        parameters.insert("Stage".to_owned(), config.stage.clone());
        let mut resolver = Resolver::new(&template, &parameters, &config.region, ACCOUNT)?;
        // What Secrets Manager holds on AWS: made fresh for every local stack.
        resolver.set_secret(
            &format!("bazaar/{}/keys", config.stage),
            crate::keys::generate()?,
        );
        let aws = AwsClients::for_endpoints(
            &config.aws_endpoint,
            &config.dynamodb_endpoint,
            &config.region,
        );
        let provisioned = provision(&template, &mut resolver, &aws, &config.provision)
            .await
            .context("provisioning the stand-ins from template.yaml")?;
        let specs = functions(&template, &resolver)?;

        let mut routes: Vec<(Route, Router)> = Vec::new();
        let mut pollers = Vec::new();
        let mut scheduled = HashMap::new();
        let mut timers = Vec::new();
        for spec in &specs {
            let env = Env::from_map(spec.env.clone());
            let function = build(&spec.binary, &env, &aws).with_context(|| {
                format!("building {} from its template environment", spec.logical_id)
            })?;
            match function {
                LocalFunction::Http(router) => {
                    routes.extend(spec.routes.iter().map(|r| (r.clone(), router.clone())));
                }
                LocalFunction::Queue(handler) => {
                    for source in &spec.queues {
                        pollers.push(Poller {
                            sqs: aws.sqs.clone(),
                            function: spec.logical_id.clone(),
                            queue_url: resolver.queue_url(&source.queue_logical_id)?.to_owned(),
                            queue_arn: format!(
                                "arn:aws:sqs:{}:{ACCOUNT}:{}",
                                config.region,
                                resolver.name_of(&source.queue_logical_id)?
                            ),
                            region: config.region.clone(),
                            batch_size: source.batch_size,
                            report_batch_item_failures: source.report_batch_item_failures,
                            timeout: spec.timeout,
                            handler: handler.clone(),
                        });
                    }
                }
                LocalFunction::Scheduled(handler) => {
                    for schedule in spec.schedules.iter().filter(|s| s.enabled) {
                        timers.push((
                            spec.logical_id.clone(),
                            Every::parse(&schedule.expression)?,
                            schedule.input.clone(),
                            handler.clone(),
                        ));
                    }
                    let inputs = spec.schedules.iter().map(|s| s.input.clone()).collect();
                    scheduled.insert(spec.logical_id.clone(), (handler, inputs));
                }
            }
            let wired = !spec.routes.is_empty() as u8
                + !spec.queues.is_empty() as u8
                + !spec.schedules.is_empty() as u8;
            if wired != 1 {
                bail!(
                    "{} must have exactly one kind of event (HttpApi, SQS or schedule)",
                    spec.logical_id
                );
            }
        }

        let shared = Arc::new(Shared {
            moto_url: config.aws_endpoint.clone(),
            http: reqwest::Client::new(),
            stack_dir: config.stack_dir.clone(),
            stage: config.stage.clone(),
            functions: specs,
            provisioned,
            scheduled,
        });
        let app = server::app(server::api(routes, &config.stage), shared.clone());
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let addr = listener.local_addr()?;
        let mut tasks = vec![tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "dev server stopped");
            }
        })];
        if config.poll_queues {
            tasks.extend(pollers.into_iter().map(|p| tokio::spawn(p.run())));
        }
        if config.run_schedules {
            tasks.extend(timers.into_iter().map(|(function, every, input, handler)| {
                tokio::spawn(run_schedule(function, every, input, handler))
            }));
        }
        Ok(Self {
            base_url: format!("http://{addr}"),
            addr,
            aws,
            resolver,
            shared,
            tasks,
        })
    }

    /// Fires a scheduled function now, as `POST /_local/schedules/{function}` does.
    pub async fn fire(&self, function: &str) -> anyhow::Result<Vec<serde_json::Value>> {
        match self.shared.fire(function).await {
            Some(result) => result,
            None => bail!("{function} has no schedule"),
        }
    }
}

async fn run_schedule(
    function: String,
    every: Every,
    input: serde_json::Value,
    handler: ScheduledHandler,
) {
    loop {
        let now = Utc::now();
        let Some(next) = every.next_after(now) else {
            return;
        };
        let wait = (next - now).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        let span = tracing::info_span!("schedule", %function, request_id = %uuid::Uuid::new_v4());
        match handler(input.clone()).instrument(span.clone()).await {
            Ok(output) => span.in_scope(|| tracing::info!(%output, "scheduled run done")),
            Err(error) => span
                .in_scope(|| tracing::warn!(error = format!("{error:#}"), "scheduled run failed")),
        }
    }
}
