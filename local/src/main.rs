//! `bazaar-local`: runs the whole system on this machine against the stand-ins started by
//! `local/stack.sh` (the README's run command does both), and a few operator commands.
//!
//! ```text
//! bazaar-local [--stage NAME] [--port PORT] [--visibility-timeout SECONDS] [--modules LIST]
//! bazaar-local keys                       # a new bazaar/<stage>/keys secret, as JSON
//! bazaar-local admin --table NAME --email ADDRESS [--password PASSWORD]
//! ```
//! `admin` uses the standard AWS configuration (profile, region, `AWS_ENDPOINT_URL*`), so it
//! works against a deployed stack and, with `eval "$(local/stack.sh env)"`, the local one.

use std::net::SocketAddr;
use std::path::PathBuf;

use bazaar_identity::bootstrap::ensure_admin;
use bazaar_identity::store::Store;
use bazaar_local::{LocalStack, StackConfig};
use bazaar_shared::{AwsClients, Clock};
use clap::{Args, Parser, Subcommand};

/// The admin the local run command creates.
const LOCAL_ADMIN: &str = "admin@bazaar.local";

/// Runs Bazaar on this machine (without a command), or one operator command.
#[derive(Parser)]
#[command(name = "bazaar-local", args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: Serve,
}

/// How to run the local stack.
#[derive(Args)]
struct Serve {
    /// The template's Stage: every resource name contains it.
    #[arg(long, value_name = "NAME", default_value = "dev")]
    stage: String,
    /// The dev server's port on 127.0.0.1.
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// Every queue's visibility timeout: how soon a failed message comes back.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    visibility_timeout: u32,
    /// Only these marketplaces, comma-separated (bonds,tickets,shop,mess,nano); all when
    /// absent. Identity, mail and health are always there.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    modules: Option<Vec<String>>,
}

#[derive(Subcommand)]
enum Command {
    /// Prints a new bazaar/<stage>/keys secret (Ed25519 pair and cursor key), as JSON.
    Keys,
    /// Makes ADDRESS an admin in the identity table NAME, creating the account if needed.
    Admin {
        #[arg(long, value_name = "NAME")]
        table: String,
        #[arg(long, value_name = "ADDRESS")]
        email: String,
        /// The new account's password; one is generated (and printed) when absent.
        #[arg(long)]
        password: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    bazaar_shared::telemetry::init_local();
    match cli.command {
        Some(Command::Keys) => {
            let keys = bazaar_local::keys::generate()?;
            println!("{}", serde_json::to_string_pretty(&keys)?);
            Ok(())
        }
        Some(Command::Admin {
            table,
            email,
            password,
        }) => admin(table, &email, password).await,
        None => serve(cli.serve).await,
    }
}

async fn admin(table: String, email: &str, password: Option<String>) -> anyhow::Result<()> {
    let aws = AwsClients::from_env().await;
    let store = Store::new(aws.dynamodb.clone(), table);
    let done = ensure_admin(&store, email, password, Clock::system().now()).await?;
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

async fn serve(args: Serve) -> anyhow::Result<()> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut config = StackConfig::from_env(repo, &args.stage);
    config.bind = SocketAddr::from(([127, 0, 0, 1], args.port));
    config.provision.visibility_timeout = Some(args.visibility_timeout);
    if let Some(modules) = &args.modules {
        config
            .parameters
            .extend(bazaar_local::modules::parameters(modules)?);
    }
    let stack = LocalStack::start(config).await?;
    let store = Store::new(
        stack.aws.dynamodb.clone(),
        stack.resolver.name_of("IdentityTable")?,
    );
    let admin = ensure_admin(&store, LOCAL_ADMIN, None, stack.clock.now()).await?;

    print_summary(&stack, &args.stage);
    match admin.generated_password {
        Some(password) => println!("  local admin {LOCAL_ADMIN} / {password}"),
        None => println!("  local admin {LOCAL_ADMIN} (existing account)"),
    }
    tokio::signal::ctrl_c().await?;
    println!("stopping");
    Ok(())
}

/// What runs where: every route, queue and schedule, and the local pages.
fn print_summary(stack: &LocalStack, stage: &str) {
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
    let (razorpay, stripe) = (
        bazaar_local::gateways::RAZORPAY_PATH,
        bazaar_local::gateways::STRIPE_PATH,
    );
    println!(
        "  Razorpay    {url}{razorpay}   (stand-in; pay an order: POST {razorpay}/_pay/<order id>)"
    );
    println!(
        "  Stripe      {url}{stripe}   (stand-in; checkout pages: {stripe}/_checkout/<session id>)"
    );
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("bazaar-local").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn without_a_command_it_serves_with_the_run_scripts_flags() {
        let cli = parse(&[]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(
            (
                cli.serve.stage.as_str(),
                cli.serve.port,
                cli.serve.visibility_timeout
            ),
            ("dev", 3000, 5)
        );
        let cli = parse(&[
            "--port",
            "4000",
            "--stage",
            "demo",
            "--visibility-timeout",
            "2",
        ])
        .unwrap();
        assert_eq!(
            (
                cli.serve.stage.as_str(),
                cli.serve.port,
                cli.serve.visibility_timeout
            ),
            ("demo", 4000, 2)
        );
        assert!(parse(&["--port", "many"]).is_err());
        assert_eq!(cli.serve.modules, None);
        let cli = parse(&["--modules", "tickets,bonds"]).unwrap();
        assert_eq!(
            cli.serve.modules,
            Some(vec!["tickets".to_owned(), "bonds".to_owned()])
        );
    }

    #[test]
    fn admin_needs_a_table_and_an_email() {
        let cli = parse(&["admin", "--table", "t", "--email", "a@b.c"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Admin { table, email, password: None }) if table == "t" && email == "a@b.c"
        ));
        assert!(parse(&["admin", "--table", "t"]).is_err());
        assert!(matches!(
            parse(&["keys"]).unwrap().command,
            Some(Command::Keys)
        ));
        // Serving flags belong to serving, not to a command.
        assert!(parse(&["keys", "--port", "1"]).is_err());
    }
}
