//! `bazaar-local`: runs the whole system on this machine against the stand-ins started by
//! `local/stack.sh` (the README's run command does both).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use bazaar_local::{LocalStack, StackConfig};

const USAGE: &str =
    "usage: bazaar-local [--stage NAME] [--port PORT] [--visibility-timeout SECONDS]";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    bazaar_shared::telemetry::init_local();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut stage = "dev".to_owned();
    let mut port: u16 = 3000;
    let mut visibility: u32 = 5;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().context(USAGE);
        match arg.as_str() {
            "--stage" => stage = value()?,
            "--port" => port = value()?.parse().context(USAGE)?,
            "--visibility-timeout" => visibility = value()?.parse().context(USAGE)?,
            _ => anyhow::bail!("{USAGE}"),
        }
    }
    let mut config = StackConfig::from_env(repo, &stage);
    config.bind = SocketAddr::from(([127, 0, 0, 1], port));
    config.provision.visibility_timeout = Some(visibility);
    let stack = LocalStack::start(config).await?;
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
    tokio::signal::ctrl_c().await?;
    println!("stopping");
    Ok(())
}
