//! One local stack: provisioned stand-in resources for one stage, every function of the
//! template built from its resolved environment, queue pollers, schedules and the dev server.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use bazaar_shared::{AwsClients, Clock};
use tokio::task::JoinHandle;

use crate::console;
use crate::functions::{FunctionSpec, functions};
use crate::gateways::{self, PaymentSecrets};
use crate::provision::{ProvisionOptions, Provisioned, provision};
use crate::scheduler::Scheduled;
use crate::server;
use crate::template::{Resolver, Template};
use crate::wiring::{Platform, Wiring};

/// moto's default account.
pub const ACCOUNT: &str = "123456789012";

/// How to bring a stack up.
#[derive(Debug, Clone)]
pub struct StackConfig {
    pub template: PathBuf,
    /// The template's `Stage` parameter: every resource name contains it, so stacks with
    /// different stages share the stand-ins without seeing each other's data.
    pub stage: String,
    /// Extra template parameters. `RazorpayBaseUrl` and `StripeBaseUrl` default to this
    /// stack's gateway stand-ins; set them to point the functions elsewhere (a wiremock).
    /// `<Name>Module: disabled` leaves a marketplace out (see [`crate::modules`]).
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
    /// The web console's files, served at `/console/`.
    pub web_dir: PathBuf,
    /// The clock every function reads; tests pass `Clock::manual(..)` to move time.
    pub clock: Clock,
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
            web_dir: repo.join("web"),
            clock: Clock::system(),
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
    pub scheduled: HashMap<String, Scheduled>,
}

impl Shared {
    /// Fires every schedule of one function once, with its template `Input`.
    pub async fn fire(&self, function: &str) -> Option<anyhow::Result<Vec<serde_json::Value>>> {
        Some(self.scheduled.get(function)?.fire().await)
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
            "pages": ["/console/", "/docs", "/openapi.json", "/_local/mail", "/_local/mail.html", "POST /_local/schedules/{function}"],
            "payment_gateways": {"razorpay": gateways::RAZORPAY_PATH, "stripe": gateways::STRIPE_PATH},
        })
    }
}

/// A running local stack. Dropping it stops its server, pollers and schedules.
pub struct LocalStack {
    pub base_url: String,
    pub addr: SocketAddr,
    pub aws: AwsClients,
    pub resolver: Resolver,
    /// The clock its functions read (the one [`StackConfig::clock`] gave).
    pub clock: Clock,
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
        // Bound first: the functions' environment names this server (the gateway stand-ins'
        // base URLs), so its address must be known before the template is resolved.
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let payments = PaymentSecrets::generate()?;
        let template = Template::load(&config.template)?;
        let mut resolver = resolver(&template, &config, &base_url, &payments)?;
        // Marketplaces switched off by their parameters are not there at all.
        let template = template.active(&resolver);
        let aws = AwsClients::for_endpoints(
            &config.aws_endpoint,
            &config.dynamodb_endpoint,
            &config.region,
        );
        let provisioned = provision(&template, &mut resolver, &aws, &config.provision)
            .await
            .context("provisioning the stand-ins from template.yaml")?;
        let specs = functions(&template, &resolver)?;
        let platform = Platform {
            aws: &aws,
            clock: &config.clock,
            resolver: &resolver,
        };
        let wiring = Wiring::build(&specs, &platform)?;

        let shared = Arc::new(Shared {
            moto_url: config.aws_endpoint.clone(),
            http: reqwest::Client::new(),
            stack_dir: config.stack_dir.clone(),
            stage: config.stage.clone(),
            functions: specs,
            provisioned,
            scheduled: wiring.scheduled,
        });
        let api = server::api(wiring.routes, &config.stage, &config.clock);
        let pages = gateways::router(&payments, &base_url, &config.clock)
            .merge(console::router(config.web_dir.clone()));
        let app = server::app(api, pages, shared.clone());
        let mut tasks = vec![tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "dev server stopped");
            }
        })];
        if config.poll_queues {
            tasks.extend(wiring.pollers.into_iter().map(|p| tokio::spawn(p.run())));
        }
        if config.run_schedules {
            tasks.extend(wiring.timers.into_iter().map(|t| tokio::spawn(t.run())));
        }
        Ok(Self {
            base_url,
            addr,
            aws,
            resolver,
            clock: config.clock,
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

/// The template's intrinsics for this stack's stage, with the stage's secrets (the keys and the
/// payment gateways' credentials), which Secrets Manager holds on AWS and which are made fresh
/// for every local stack, and the gateways' base URLs pointing at this stack's stand-ins
/// unless the configuration names others.
fn resolver(
    template: &Template,
    config: &StackConfig,
    base_url: &str,
    payments: &PaymentSecrets,
) -> anyhow::Result<Resolver> {
    let mut parameters = config.parameters.clone();
    parameters.insert("Stage".to_owned(), config.stage.clone());
    for (parameter, path) in [
        ("RazorpayBaseUrl", gateways::RAZORPAY_PATH),
        ("StripeBaseUrl", gateways::STRIPE_PATH),
        // The console is served by this server, so Stripe returns buyers here.
        ("CorsAllowedOrigin", ""),
    ] {
        parameters
            .entry(parameter.to_owned())
            .or_insert_with(|| format!("{base_url}{path}"));
    }
    let mut resolver = Resolver::new(template, &parameters, &config.region, ACCOUNT)?;
    let stage = &config.stage;
    resolver.set_secret(&format!("bazaar/{stage}/keys"), crate::keys::generate()?);
    resolver.set_secret(&format!("bazaar/{stage}/payments"), payments.to_json());
    Ok(resolver)
}

#[cfg(test)]
#[path = "stack_tests.rs"]
mod tests;
