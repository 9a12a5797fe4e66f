//! The platform: provisioning from template.yaml, routing as the template declares, OpenAPI.

use std::collections::BTreeSet;

use aws_sdk_sqs::types::QueueAttributeName;
use bazaar_local::template::{BUCKET, EMAIL_IDENTITY, QUEUE, TABLE, Template};
use serde_json::Value;

use crate::support::{TEST_VISIBILITY_TIMEOUT, repo, spawn_app, template_routes};

fn template() -> Template {
    Template::load(&repo().join("template.yaml")).unwrap()
}

#[tokio::test]
async fn provisioning_creates_every_table_queue_bucket_and_identity_of_the_template() {
    let app = spawn_app().await;
    let template = template();
    let aws = &app.stack.aws;

    let tables: Vec<&str> = template.ids_of(TABLE).collect();
    assert!(!tables.is_empty());
    for id in tables {
        let props = &template.resources[id].properties;
        let name = app.name_of(id);
        assert!(
            name.contains(&app.stage),
            "{name} is not scoped to the stage"
        );
        let table = aws
            .dynamodb
            .describe_table()
            .table_name(&name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("table {id} ({name}) missing: {e:?}"))
            .table
            .unwrap();
        let keys: Vec<String> = table
            .key_schema()
            .iter()
            .map(|k| k.attribute_name().to_owned())
            .collect();
        let declared: Vec<String> = props["KeySchema"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|k| k["AttributeName"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(keys, declared, "key schema of {id}");
        let indexes: BTreeSet<String> = table
            .global_secondary_indexes()
            .iter()
            .map(|i| i.index_name().unwrap().to_owned())
            .collect();
        let declared: BTreeSet<String> = props
            .get("GlobalSecondaryIndexes")
            .and_then(|v| v.as_sequence())
            .map(|s| {
                s.iter()
                    .map(|i| i["IndexName"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(indexes, declared, "indexes of {id}");
        if let Some(ttl) = props.get("TimeToLiveSpecification") {
            let described = aws
                .dynamodb
                .describe_time_to_live()
                .table_name(&name)
                .send()
                .await
                .unwrap();
            let described = described.time_to_live_description().unwrap();
            assert_eq!(
                described.attribute_name(),
                ttl["AttributeName"].as_str(),
                "TTL of {id}"
            );
        }
    }

    let queues: Vec<&str> = template.ids_of(QUEUE).collect();
    assert!(!queues.is_empty());
    for id in queues {
        let props = &template.resources[id].properties;
        let attrs = aws
            .sqs
            .get_queue_attributes()
            .queue_url(app.queue_url(id))
            .attribute_names(QueueAttributeName::All)
            .send()
            .await
            .unwrap_or_else(|e| panic!("queue {id} missing: {e:?}"))
            .attributes
            .unwrap();
        assert_eq!(
            attrs[&QueueAttributeName::VisibilityTimeout],
            TEST_VISIBILITY_TIMEOUT.to_string()
        );
        if let Some(retention) = props.get("MessageRetentionPeriod") {
            assert_eq!(
                attrs[&QueueAttributeName::MessageRetentionPeriod],
                retention.as_u64().unwrap().to_string()
            );
        }
        if let Some(redrive) = props.get("RedrivePolicy") {
            let policy: Value =
                serde_json::from_str(&attrs[&QueueAttributeName::RedrivePolicy]).unwrap();
            let max = policy["maxReceiveCount"]
                .as_u64()
                .or_else(|| policy["maxReceiveCount"].as_str()?.parse().ok());
            assert_eq!(
                max,
                redrive["maxReceiveCount"].as_u64(),
                "maxReceiveCount of {id}"
            );
            let declared = app
                .stack
                .resolver
                .string(&redrive["deadLetterTargetArn"])
                .unwrap();
            assert_eq!(
                policy["deadLetterTargetArn"],
                declared.as_str(),
                "dead-letter queue of {id}"
            );
            assert!(declared.contains(&app.stage), "{declared}");
        }
    }

    let buckets: Vec<&str> = template.ids_of(BUCKET).collect();
    assert!(!buckets.is_empty());
    for id in buckets {
        aws.s3
            .head_bucket()
            .bucket(app.name_of(id))
            .send()
            .await
            .unwrap_or_else(|e| panic!("bucket {id} missing: {e:?}"));
    }

    for id in template.ids_of(EMAIL_IDENTITY) {
        aws.ses
            .get_email_identity()
            .email_identity(app.name_of(id))
            .send()
            .await
            .unwrap_or_else(|e| panic!("SES identity {id} missing: {e:?}"));
    }
}

#[tokio::test]
async fn health_answers_on_the_route_the_template_declares() {
    let app = spawn_app().await;
    let response = app.get("/health").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["stage"], app.stage);
}

#[tokio::test]
async fn routes_and_methods_missing_from_the_template_are_404_problems() {
    let app = spawn_app().await;
    for response in [
        app.get("/no-such-route").await,
        app.http.post(app.url("/health")).send().await.unwrap(),
    ] {
        assert_eq!(response.status(), 404);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], 404);
        assert_eq!(problem["type"], "urn:bazaar:problem:not-found");
    }
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_routes_of_the_template() {
    let app = spawn_app().await;
    let response = app.get("/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    let declared: BTreeSet<String> = template_routes()
        .into_iter()
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert_eq!(documented, declared);

    let docs = app.get("/docs").await;
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("/openapi.json"));
}

#[tokio::test]
async fn the_web_console_is_served_at_console_and_the_root_and_stripes_return_lead_there() {
    let app = spawn_app().await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: &str| browser.get(app.url(path)).send();

    let page = get("/console/").await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("<title>Bazaar console</title>")
    );
    let script = get("/console/views/tickets.js").await.unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    for (path, to) in [
        ("/", "/console/"),
        ("/console", "/console/"),
        (
            "/nano/coins?checkout=success",
            "/console/?checkout=success#/nano",
        ),
    ] {
        let answer = get(path).await.unwrap();
        assert!(answer.status().is_redirection(), "{path}");
        assert_eq!(answer.headers()["location"], to, "{path}");
    }
    for outside in [
        "/console/%2e%2e/Cargo.toml",
        "/console/views/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/console/.gitignore",
        "/console/missing.js",
    ] {
        assert_eq!(get(outside).await.unwrap().status(), 404, "{outside}");
    }
}
