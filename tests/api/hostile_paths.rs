//! Ids no route could hold, sent to every route of the template with a path parameter by a
//! caller holding every role (so each request gets past its role guard to the path): only
//! 4xx answers, never a 5xx, whatever reaches the extractor.

use bazaar_shared::auth::Role;

use crate::support::{spawn_app, template_routes};

/// Over-long, traversal, percent-encoded slashes and NULs, bytes that are not UTF-8, spaces.
/// (A bare `..` or `%2e%2e` segment is resolved away by any URL client before it is sent; the
/// extractor's own test in `shared/src/extract.rs` sends those raw.)
fn hostile_ids() -> Vec<String> {
    vec![
        "a".repeat(3_000),
        "%2e%2e%2f%2e%2e%2fetc".into(),
        "a%2Fb".into(),
        "a%00b".into(),
        "%FF%FE%FD".into(),
        "%C0%AF".into(),
        "a%20b".into(),
        "%E2%80%AE".into(),
    ]
}

#[tokio::test]
async fn hostile_ids_in_every_path_parameter_are_refused_with_a_4xx_never_a_5xx() {
    let app = spawn_app().await;
    let everyone = &app.quick_users_with(&Role::ALL, 1).await[0];
    let mut sent = 0;
    for (method, path) in template_routes()
        .into_iter()
        .filter(|(_, path)| path.contains('{'))
    {
        for id in hostile_ids() {
            let concrete = path
                .split('/')
                .map(|part| {
                    if part.starts_with('{') {
                        id.as_str()
                    } else {
                        part
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            let request = app
                .http
                .request(method.parse().unwrap(), app.url(&concrete))
                .bearer_auth(&everyone.access)
                .header("content-type", "application/json")
                .body("{}");
            let status = request.send().await.unwrap().status();
            sent += 1;
            assert!(
                status.is_client_error(),
                "{method} {path} with the id {:.40} answered {status}",
                id
            );
        }
    }
    assert!(
        sent > 300,
        "only {sent} requests: the template has fewer id routes than expected"
    );
}
