use std::collections::HashMap;
use std::time::Duration;

use super::*;

fn function(id: &str, routes: &[(&str, &str)]) -> FunctionSpec {
    FunctionSpec {
        logical_id: id.to_owned(),
        binary: id.to_lowercase(),
        timeout: Duration::from_secs(3),
        env: HashMap::new(),
        routes: routes
            .iter()
            .map(|(method, path)| Route {
                method: (*method).to_owned(),
                path: (*path).to_owned(),
            })
            .collect(),
        queues: Vec::new(),
        schedules: Vec::new(),
    }
}

#[test]
fn routes_print_grouped_by_function_and_sorted_by_path_whatever_the_template_order() {
    let functions = [
        function(
            "Users",
            &[("PATCH", "/me"), ("GET", "/admin/users"), ("GET", "/me")],
        ),
        function("Mailer", &[]),
        function(
            "Auth",
            &[("POST", "/auth/refresh"), ("POST", "/auth/login")],
        ),
    ];
    let printed: Vec<(&str, Vec<String>)> = route_groups(&functions)
        .into_iter()
        .map(|(id, routes)| {
            let routes = routes
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect();
            (id, routes)
        })
        .collect();
    assert_eq!(
        printed,
        [
            (
                "Users",
                vec![
                    "GET /admin/users".to_owned(),
                    "GET /me".into(),
                    "PATCH /me".into()
                ]
            ),
            (
                "Auth",
                vec!["POST /auth/login".to_owned(), "POST /auth/refresh".into()]
            ),
        ]
    );
}

#[test]
fn long_paths_are_cut_with_an_ellipsis() {
    assert_eq!(truncated("/events", 10), "/events");
    assert_eq!(truncated("/events/0123456789", 10), "/events/0…");
    assert_eq!(truncated("/ééééééééééé", 4), "/éé…");
}

#[test]
fn the_admin_password_is_made_once_and_kept_for_the_next_run() {
    let dir = std::env::temp_dir().join(format!("bazaar-summary-{}", uuid::Uuid::new_v4()));
    let file = admin_password_file(&dir, "dev");
    let first = admin_password(&file, || "first-password".into()).unwrap();
    let second = admin_password(&file, || unreachable!("kept from the first run")).unwrap();
    assert_eq!(
        (first.as_str(), second.as_str()),
        ("first-password", "first-password")
    );
    std::fs::remove_dir_all(dir).unwrap();
}
