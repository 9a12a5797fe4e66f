//! Each binary's `build` and routes: the variables it needs, the kind of function it is, the
//! operations it documents, and requests its router refuses before any I/O (the SDK clients
//! here point nowhere).

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use bazaar_shared::function::{Build, Handler};
use bazaar_shared::{ConfigError, Init};
use tower::ServiceExt;
use utoipa::openapi::OpenApi;

/// The public half of a throw-away Ed25519 key pair (token checks need a valid key to start).
const TEST_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAgsXlxtWhs9hcfe2sFyX+UIVFRn0IQxJFM4t3dUt4VmM=
-----END PUBLIC KEY-----
";

const ALL: &[(&str, &str)] = &[
    ("BONDS_TABLE", "bonds"),
    ("IDENTITY_TABLE", "identity"),
    ("MAIL_QUEUE_URL", "http://127.0.0.1:1/mail"),
    ("DRAW_QUEUE_URL", "http://127.0.0.1:1/draws"),
    ("OUTBOX_TABLE", "outbox"),
    ("UPLOADS_BUCKET", "uploads"),
    ("JWT_PUBLIC_KEY", TEST_PUBLIC_KEY),
    ("PAGINATION_KEY", "a-test-key-of-32-bytes-or-more!!"),
];

fn init(without: &str) -> Init {
    Init::offline(ALL.iter().copied().filter(|(name, _)| *name != without))
}

fn missing(build: Build, name: &str) -> ConfigError {
    build(&init(name))
        .err()
        .expect("a build without a variable it needs")
}

fn router(build: Build) -> Router {
    match build(&init("")).unwrap().handler {
        Handler::Http(router) => router,
        _ => panic!("an HTTP function"),
    }
}

async fn status(build: Build, request: Request<Body>) -> StatusCode {
    router(build).oneshot(request).await.unwrap().status()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

#[test]
fn each_binary_names_the_variable_it_misses() {
    let cases: [(Build, &str); 7] = [
        (crate::bonds::build, "MAIL_QUEUE_URL"),
        (crate::draws::build, "DRAW_QUEUE_URL"),
        (crate::draws::build, "UPLOADS_BUCKET"),
        (crate::brokers::build, "MAIL_QUEUE_URL"),
        (crate::draws_worker::build, "UPLOADS_BUCKET"),
        (crate::bond_matcher::build, "MAIL_QUEUE_URL"),
        (crate::draws::build, "OUTBOX_TABLE"),
    ];
    for (build, name) in cases {
        assert_eq!(missing(build, name), ConfigError::Missing(name.into()));
    }
}

#[test]
fn each_binary_is_the_kind_of_function_its_template_entry_is() {
    let kind = |build: Build| match build(&init("")).unwrap().handler {
        Handler::Http(_) => "http",
        Handler::Queue(_) => "queue",
        Handler::Scheduled(_) => "scheduled",
    };
    assert_eq!(kind(crate::bonds::build), "http");
    assert_eq!(kind(crate::draws::build), "http");
    assert_eq!(kind(crate::brokers::build), "http");
    assert_eq!(kind(crate::draws_worker::build), "queue");
    assert_eq!(kind(crate::bond_matcher::build), "scheduled");
    let warmed = crate::draws_worker::build(&init("")).unwrap().warm_table;
    assert_eq!(warmed.as_deref(), Some("bonds"));
}

#[tokio::test]
async fn bad_requests_are_refused_before_any_io() {
    let draws = crate::draws::build;
    assert_eq!(
        status(draws, get("/draws?month=2")).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        status(draws, get("/draws?denom=750")).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        status(draws, get("/draws/some-id/numbers/12")).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(status(draws, get("/nowhere")).await, StatusCode::NOT_FOUND);
    let upload = Request::post("/draws").body(Body::from("list")).unwrap();
    assert_eq!(status(draws, upload).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        status(crate::bonds::build, get("/wins")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status(crate::brokers::build, get("/stores?limit=0")).await,
        StatusCode::BAD_REQUEST
    );
}

#[test]
fn each_http_function_documents_exactly_its_routes() {
    assert_eq!(
        bazaar_shared::http::operations(&crate::bonds::openapi()),
        [
            "DELETE /bonds/{id}",
            "GET /bonds",
            "GET /wins",
            "PATCH /bonds/{id}",
            "POST /bonds"
        ]
    );
    assert_eq!(
        bazaar_shared::http::operations(&crate::draws::openapi()),
        [
            "DELETE /draws/{id}",
            "GET /draws",
            "GET /draws/{id}",
            "GET /draws/{id}/numbers/{number}",
            "POST /draws"
        ]
    );
    assert_eq!(
        bazaar_shared::http::operations(&crate::brokers::openapi()),
        [
            "DELETE /stores/mine",
            "GET /admin/broker-requests",
            "GET /broker-requests/mine",
            "GET /stores",
            "GET /stores/mine",
            "POST /admin/broker-requests/{id}/approve",
            "POST /admin/broker-requests/{id}/reject",
            "POST /broker-requests",
            "POST /broker-requests/{id}/withdraw",
            "PUT /stores/mine"
        ]
    );
}

#[test]
fn request_and_response_schemas_are_in_the_documents() {
    let schemas = |doc: OpenApi| doc.components.unwrap_or_default().schemas;
    let bonds = schemas(crate::bonds::openapi());
    for name in ["NewBondsBody", "Added", "Changed", "Bond", "Win", "Tier"] {
        assert!(bonds.contains_key(name), "{name}");
    }
    let brokers = schemas(crate::brokers::openapi());
    for name in [
        "NewRequestBody",
        "DecisionBody",
        "StoreProfileBody",
        "BrokerStore",
    ] {
        assert!(brokers.contains_key(name), "{name}");
    }
}
