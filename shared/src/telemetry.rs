//! Log set-up.
//!
//! On Lambda, `lambda_runtime`'s subscriber follows Lambda's logging controls: with
//! `AWS_LAMBDA_LOG_FORMAT=JSON` every line is a JSON object, and the runtime's per-invocation
//! span puts the `requestId` on each line. Locally the dev server opens a span with a request id
//! per request, and `BAZAAR_LOG_FORMAT=json` switches to the same JSON lines.

use tracing_subscriber::EnvFilter;

pub fn init() {
    if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
        lambda_runtime::tracing::init_default_subscriber();
    } else {
        init_local();
    }
}

/// Logs for the local stack and tests; safe to call more than once.
pub fn init_local() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let json = std::env::var("BAZAAR_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let _already_set = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Logs for tests: written through the test harness, so they show only for failing tests.
pub fn init_for_tests() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _already_set = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_test_writer()
        .try_init();
}
