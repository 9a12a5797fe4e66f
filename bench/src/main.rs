//! `make bench`: every Lambda binary of `template.yaml`, and the baseline, measured through a
//! Lambda Runtime API emulator against the local stand-ins. See the README, "Benchmarks".

mod cold;
mod emulator;
mod fixtures;
mod hot;
mod process;
mod proxy;
mod report;
mod routes;

use std::path::PathBuf;

use anyhow::Context;
use bazaar_local::{LocalStack, StackConfig};
use clap::Parser;

use crate::process::Platform;

#[derive(Parser, Debug)]
#[command(name = "bazaar-bench")]
struct Args {
    /// Where `cargo lambda build` put the bootstraps (`<lambda dir>/<binary>/bootstrap`).
    #[arg(long)]
    lambda_dir: PathBuf,
    /// The profile they were built with (for the report).
    #[arg(long, default_value = "release")]
    profile: String,
    /// Cold starts per binary (after one discarded start that warms the page cache).
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// Warm invocations before the resident-memory high-water is read.
    #[arg(long, default_value_t = 10_000)]
    invocations: usize,
    /// Only these binaries (comma-separated); all of the template's by default.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Warm invocations per hot route.
    #[arg(long, default_value_t = 500)]
    warm: usize,
    /// Skip the cold-start, memory and size pass.
    #[arg(long)]
    no_cold: bool,
    /// Skip the hot routes.
    #[arg(long)]
    no_routes: bool,
    /// Where report.md and report.json go.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// Free text on the build (times), for the report.
    #[arg(long, default_value = "")]
    build: String,
    /// Free text naming the machine, for the report.
    #[arg(long, default_value = "")]
    machine: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let repo = std::env::current_dir()?;
    let stage = format!("bench{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    let mut config = StackConfig::from_env(repo.clone(), &stage);
    config.poll_queues = false;
    config.run_schedules = false;
    let platform = Platform {
        region: config.region.clone(),
        aws_endpoint: config.aws_endpoint.clone(),
        dynamodb_endpoint: config.dynamodb_endpoint.clone(),
    };
    let stack = LocalStack::start(config)
        .await
        .context("provisioning a stage (are the stand-ins running?)")?;
    eprintln!("bench: stage {stage} provisioned at {}", stack.base_url);
    std::fs::create_dir_all(&args.out)?;

    let plan = cold::Plan {
        lambda_dir: args.lambda_dir.clone(),
        events: repo.join("events"),
        out: args.out.clone(),
        runs: args.runs,
        invocations: args.invocations,
        platform,
        warm_table: stack.resolver.name_of("IdentityTable")?.to_owned(),
    };
    let mut specs: Vec<_> = stack.shared.functions.clone();
    specs.retain(|f| args.only.is_empty() || args.only.contains(&f.binary));
    let functions = if args.no_cold {
        Vec::new()
    } else {
        cold::measure_all(&plan, &specs).await?
    };
    let routes = if args.no_routes {
        Vec::new()
    } else {
        let all = stack.shared.functions.clone();
        hot::measure_all(
            &plan,
            &fixtures::Stage::new(&stack, &stage),
            &all,
            args.warm,
            &args.only,
        )
        .await?
    };
    let baseline_init_ms = functions
        .first()
        .map(|f| f.init_ms.median)
        .unwrap_or_default();
    let report = report::Report {
        machine: args.machine.clone(),
        build: args.build.clone(),
        profile: args.profile.clone(),
        started: started(),
        init_runs: args.runs,
        baseline_init_ms,
        functions,
        routes,
    };
    report.write(&args.out)?;
    println!("{}", report.markdown());
    eprintln!(
        "bench: wrote {0}/report.md and {0}/report.json",
        args.out.display()
    );
    Ok(())
}

fn started() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    format!("unix {}", now.map(|d| d.as_secs()).unwrap_or_default())
}
