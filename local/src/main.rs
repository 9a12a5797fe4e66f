//! `bazaar-local`: runs the whole system on this machine against the stand-ins started by
//! `local/stack.sh` (the README's run command does both), and a few operator commands.
//!
//! ```text
//! bazaar-local [--stage NAME] [--port PORT] [--visibility-timeout SECONDS]
//! bazaar-local keys                       # a new bazaar/<stage>/keys secret, as JSON
//! bazaar-local admin --table NAME --email ADDRESS [--password PASSWORD]
//! ```
//! `admin` uses the standard AWS configuration (profile, region, `AWS_ENDPOINT_URL*`), so it
//! works against a deployed stack and, with `eval "$(local/stack.sh env)"`, the local one.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use bazaar_identity::bootstrap::ensure_admin;
use bazaar_identity::store::Store;
use bazaar_local::{LocalStack, StackConfig};
use bazaar_shared::AwsClients;

const USAGE: &str = "usage: bazaar-local [--stage NAME] [--port PORT] [--visibility-timeout SECONDS]\n       \
                     bazaar-local keys\n       \
                     bazaar-local admin --table NAME --email ADDRESS [--password PASSWORD]";

/// The admin the local run command creates.
const LOCAL_ADMIN: &str = "admin@bazaar.local";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    bazaar_shared::telemetry::init_local();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("keys") => {
            println!(
                "{}",
                serde_json::to_string_pretty(&bazaar_local::keys::generate()?)?
            );
            Ok(())
        }
        Some("admin") => {
            args.remove(0);
            admin(&args).await
        }
        _ => serve(&args).await,
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

async fn admin(args: &[String]) -> anyhow::Result<()> {
    let (Some(table), Some(email)) = (flag(args, "--table"), flag(args, "--email")) else {
        bail!("{USAGE}");
    };
    let aws = AwsClients::from_env().await;
    let done = ensure_admin(
        &Store::new(aws.dynamodb.clone(), table),
        &email,
        flag(args, "--password"),
    )
    .await?;
    match (done.created, done.generated_password) {
        (true, Some(password)) => println!(
            "created admin {email} (id {}) with password: {password}",
            done.user_id
        ),
        (true, None) => println!("created admin {email} (id {})", done.user_id),
        (false, _) => println!("{email} (id {}) is an admin", done.user_id),
    }
    Ok(())
}

async fn serve(args: &[String]) -> anyhow::Result<()> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let stage = flag(args, "--stage").unwrap_or_else(|| "dev".to_owned());
    let port: u16 = flag(args, "--port")
        .map(|p| p.parse())
        .transpose()
        .context(USAGE)?
        .unwrap_or(3000);
    let visibility: u32 = flag(args, "--visibility-timeout")
        .map(|v| v.parse())
        .transpose()
        .context(USAGE)?
        .unwrap_or(5);
    let mut config = StackConfig::from_env(repo, &stage);
    config.bind = SocketAddr::from(([127, 0, 0, 1], port));
    config.provision.visibility_timeout = Some(visibility);
    let stack = LocalStack::start(config).await?;
    let store = Store::new(
        stack.aws.dynamodb.clone(),
        stack.resolver.name_of("IdentityTable")?,
    );
    let admin = ensure_admin(&store, LOCAL_ADMIN, None).await?;

    let url = &stack.base_url;
    println!("Bazaar is running (stage {stage}) at {url}");
    for function in &stack.shared.functions {
        for route in &function.routes {
            println!(
                "  {:<7} {url}{}  -> {}",
                route.method, route.path, function.logical_id
            );
        }
        for queue in &function.queues {
            println!(
                "  queue   {}  -> {}",
                queue.queue_logical_id, function.logical_id
            );
        }
        for schedule in &function.schedules {
            println!(
                "  {}  -> {}  (fire now: curl -X POST {url}/_local/schedules/{})",
                schedule.expression, function.logical_id, function.logical_id
            );
        }
    }
    println!("  API docs    {url}/docs   (OpenAPI: {url}/openapi.json)");
    println!("  sent mail   {url}/_local/mail.html   (JSON: {url}/_local/mail)");
    println!("  this stack  {url}/_local");
    match admin.generated_password {
        Some(password) => println!("  local admin {LOCAL_ADMIN} / {password}"),
        None => println!("  local admin {LOCAL_ADMIN} (existing account)"),
    }
    tokio::signal::ctrl_c().await?;
    println!("stopping");
    Ok(())
}
