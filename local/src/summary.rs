//! What `bazaar-local` prints when it starts: the routes in a stable order (grouped by
//! function, each group and each route sorted by path), and the local admin's credential, kept
//! in a git-ignored file so it stays the same from one run to the next.

use std::path::{Path, PathBuf};

use crate::LocalStack;
use crate::functions::{FunctionSpec, Route};

/// Every function that serves routes, with its routes sorted by path then method; the groups
/// ordered by their first path.
pub fn route_groups(functions: &[FunctionSpec]) -> Vec<(&str, Vec<&Route>)> {
    let mut groups: Vec<(&str, Vec<&Route>)> = functions
        .iter()
        .filter(|f| !f.routes.is_empty())
        .map(|f| {
            let mut routes: Vec<&Route> = f.routes.iter().collect();
            routes.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
            (f.logical_id.as_str(), routes)
        })
        .collect();
    groups.sort_by(|a, b| (&a.1[0].path, a.0).cmp(&(&b.1[0].path, b.0)));
    groups
}

/// What runs where: routes grouped by function and sorted by path, queues, schedules, and the
/// local pages.
pub fn print(stack: &LocalStack, stage: &str) {
    let url = &stack.base_url;
    let functions = &stack.shared.functions;
    println!("Bazaar is running (stage {stage}) at {url}");
    println!("\nRoutes, by function:");
    for (function, routes) in route_groups(functions) {
        println!("  {function}");
        for route in routes {
            println!("    {:<7} {url}{}", route.method, route.path);
        }
    }
    let mut queues: Vec<_> = functions
        .iter()
        .flat_map(|f| {
            f.queues
                .iter()
                .map(move |q| (&q.queue_logical_id, &f.logical_id))
        })
        .collect();
    queues.sort();
    println!("\nQueues:");
    for (queue, function) in queues {
        println!("  {queue}  -> {function}");
    }
    let mut schedules: Vec<_> = functions
        .iter()
        .flat_map(|f| {
            f.schedules
                .iter()
                .map(move |s| (&f.logical_id, &s.expression))
        })
        .collect();
    schedules.sort();
    println!("\nSchedules (fire now: curl -X POST {url}/_local/schedules/<function>):");
    for (function, expression) in schedules {
        println!("  {function}  {expression}");
    }
    println!("\nPages:");
    println!("  API docs     {url}/docs   (OpenAPI: {url}/openapi.json)");
    println!("  sent mail    {url}/_local/mail.html?to=<address>   (JSON: {url}/_local/mail)");
    println!("  this stack   {url}/_local");
    let (razorpay, stripe) = (crate::gateways::RAZORPAY_PATH, crate::gateways::STRIPE_PATH);
    println!(
        "  Razorpay     {url}{razorpay}   (stand-in; pay an order: POST {razorpay}/_pay/<order id>)"
    );
    println!(
        "  Stripe       {url}{stripe}   (stand-in; checkout pages: {stripe}/_checkout/<session id>)"
    );
}

/// `path` shortened to `max` characters (an ellipsis marks the cut), for one-line logs.
pub fn truncated(path: &str, max: usize) -> String {
    match path.char_indices().nth(max.saturating_sub(1)) {
        Some((cut, _)) if path.chars().count() > max => format!("{}…", &path[..cut]),
        _ => path.to_owned(),
    }
}

/// Where the local admin's password of `stage` is kept (under `.stack/`, git-ignored).
pub fn admin_password_file(stack_dir: &Path, stage: &str) -> PathBuf {
    stack_dir.join(format!("local-admin-{stage}.txt"))
}

/// The password kept in `file`, or a new one (`generate`) written there (owner-only).
pub fn admin_password(file: &Path, generate: impl FnOnce() -> String) -> anyhow::Result<String> {
    if let Ok(kept) = std::fs::read_to_string(file) {
        let kept = kept.trim();
        if !kept.is_empty() {
            return Ok(kept.to_owned());
        }
    }
    let password = generate();
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(file, format!("{password}\n"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(password)
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
