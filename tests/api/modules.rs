//! Marketplaces switched off: the local stack serves and provisions only what the template's
//! module parameters deploy, as `make run ARGS="--modules …"` and `sam deploy` do.

use std::collections::BTreeSet;

use bazaar_local::modules;
use serde_json::Value;

use crate::support::{TestApp, spawn_app_with};

async fn described(app: &TestApp) -> Value {
    let answer = app.get("/_local").await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

fn functions(described: &Value) -> Vec<String> {
    described["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["function"].as_str().unwrap().to_owned())
        .collect()
}

/// The physical names of tables the stack's stage has in DynamoDB Local.
async fn stage_tables(app: &TestApp) -> Vec<String> {
    let mut names = Vec::new();
    let mut start = None;
    loop {
        let page = app
            .stack
            .aws
            .dynamodb
            .list_tables()
            .set_exclusive_start_table_name(start)
            .send()
            .await
            .unwrap();
        names.extend(
            page.table_names()
                .iter()
                .filter(|n| n.starts_with(&format!("bazaar-{}-", app.stage)))
                .cloned(),
        );
        match page.last_evaluated_table_name() {
            Some(last) => start = Some(last.to_owned()),
            None => return names,
        }
    }
}

#[tokio::test]
async fn tickets_switched_off_has_no_routes_functions_tables_or_queues_and_the_rest_works() {
    let app = spawn_app_with(|c| {
        c.parameters
            .insert("TicketsModule".into(), "disabled".into());
    })
    .await;

    // Its routes are gone, as API Gateway answers a route the deployment does not declare.
    assert_eq!(app.get("/events").await.status(), 404);
    let user = app.quick_users("customer", 1).await.remove(0);
    assert_eq!(app.get_as("/bookings", &user.access).await.status(), 404);

    let stack = described(&app).await;
    let functions = functions(&stack);
    for gone in [
        "EventsFunction",
        "BookingsFunction",
        "TicketJobsFunction",
        "TicketRemindersFunction",
    ] {
        assert!(
            !functions.iter().any(|f| f == gone),
            "{gone} is still wired"
        );
    }
    assert!(stack["tables"].get("TicketsTable").is_none());
    assert!(stack["queues"].get("TicketJobsQueue").is_none());
    assert!(stack["queues"].get("TicketJobsDeadLetterQueue").is_none());
    let tables = stage_tables(&app).await;
    assert!(
        !tables.iter().any(|t| t.ends_with("-tickets")),
        "{tables:?}"
    );

    // Everything else is there and answers.
    assert!(functions.iter().any(|f| f == "BondsFunction"));
    assert!(stack["tables"].get("ShopTable").is_some());
    assert_eq!(app.get("/health").await.status(), 200);
    assert_eq!(app.get_as("/me", &user.access).await.status(), 200);
    assert_eq!(app.get("/shop/products").await.status(), 200);
    assert_eq!(app.get("/draws").await.status(), 200);
}

#[tokio::test]
async fn run_with_modules_serves_only_those_marketplaces_and_the_platform() {
    let only = modules::parameters(&["bonds".to_owned()]).unwrap();
    let app = spawn_app_with(|c| c.parameters.extend(only)).await;

    assert_eq!(app.get("/draws").await.status(), 200);
    assert_eq!(app.get("/health").await.status(), 200);
    for gone in ["/events", "/shop/products", "/nano/coin-packages"] {
        assert_eq!(app.get(gone).await.status(), 404, "{gone}");
    }
    let user = app.quick_users("student", 1).await.remove(0);
    assert_eq!(
        app.get_as("/mess/balance", &user.access).await.status(),
        404
    );
    assert_eq!(app.get_as("/me", &user.access).await.status(), 200);

    let stack = described(&app).await;
    let tables: BTreeSet<&str> = stack["tables"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let platform = ["IdempotencyTable", "IdentityTable", "OutboxTable"];
    let expected = BTreeSet::from_iter(platform.into_iter().chain(["BondsTable"]));
    assert_eq!(tables, expected);
}
