//! `bazaar-local`: runs the whole system on this machine against the stand-ins started by
//! `local/stack.sh` (the README's run command does both), and a few operator commands.
//!
//! ```text
//! bazaar-local [--stage NAME] [--port PORT] [--visibility-timeout SECONDS] [--modules LIST] [--quiet]
//! bazaar-local keys                       # a new bazaar/<stage>/keys secret, as JSON
//! bazaar-local admin --table NAME --email ADDRESS [--password PASSWORD]
//! ```
//! `admin` uses the standard AWS configuration (profile, region, `AWS_ENDPOINT_URL*`), so it
//! works against a deployed stack and, with `eval "$(local/stack.sh env)"`, the local one.

use std::net::SocketAddr;
use std::path::PathBuf;

use bazaar_identity::bootstrap::{ensure_admin, ensure_admin_with_password};
use bazaar_identity::store::Store;
use bazaar_local::summary::{admin_password, admin_password_file};
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
    /// No log line per request (`RUST_LOG=info,request=off` does the same).
    #[arg(long, short)]
    quiet: bool,
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
    bazaar_local::server::set_quiet(args.quiet);
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let repo = manifest.parent().map_or(manifest.join(".."), PathBuf::from);
    let mut config = StackConfig::from_env(repo, &args.stage);
    config.bind = SocketAddr::from(([127, 0, 0, 1], args.port));
    config.provision.visibility_timeout = Some(args.visibility_timeout);
    let password_file = admin_password_file(&config.stack_dir, &args.stage);
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
    // The same password every run (kept in a git-ignored file), set again on every start so it
    // works even against stand-ins kept from an earlier run.
    let password = admin_password(&password_file, bazaar_identity::tokens::random_secret)?;
    ensure_admin_with_password(&store, LOCAL_ADMIN, password.clone(), stack.clock.now()).await?;

    bazaar_local::summary::print(&stack, &args.stage);
    let url = &stack.base_url;
    println!();
    println!("  Web console  {url}{}", bazaar_local::console::PATH);
    println!(
        "  local admin  {LOCAL_ADMIN} / {password}   (kept in {})",
        password_file.display()
    );
    if !args.quiet {
        println!(
            "  (one log line per request; --quiet or RUST_LOG=info,request=off turns them off)"
        );
    }
    tokio::signal::ctrl_c().await?;
    println!("stopping");
    Ok(())
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
        assert!(!cli.serve.quiet);
        assert!(parse(&["--quiet"]).unwrap().serve.quiet);
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
