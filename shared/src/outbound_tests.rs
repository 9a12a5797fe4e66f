use super::*;
use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Order {
    id: String,
}

async fn service(server: &MockServer, timeout_ms: u64) -> HttpService {
    HttpService::new("gateway", &server.uri(), Duration::from_millis(timeout_ms)).unwrap()
}

#[tokio::test]
async fn a_safe_request_is_retried_after_a_5xx_and_gets_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/o1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/orders/o1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "o1"})))
        .mount(&server)
        .await;
    let gateway = service(&server, 2_000).await;
    let order: Order = gateway
        .send(gateway.request(Method::GET, "/v1/orders/o1"), Retry::Safe)
        .await
        .unwrap();
    assert_eq!(order, Order { id: "o1".into() });
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_request_that_may_not_be_repeated_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let gateway = service(&server, 2_000).await;
    let result: Result<Order, _> = gateway
        .send(gateway.request(Method::POST, "/v1/orders"), Retry::Never)
        .await;
    assert!(matches!(result, Err(OutboundError::Unavailable { .. })));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_4xx_is_a_refusal_and_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_string("bad amount"))
        .mount(&server)
        .await;
    let gateway = service(&server, 2_000).await;
    let result: Result<Order, _> = gateway
        .send(gateway.request(Method::GET, "/v1/orders/x"), Retry::Safe)
        .await;
    match result {
        Err(OutboundError::Refused { status, body, .. }) => {
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert_eq!(body, "bad amount");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_service_slower_than_the_timeout_is_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(800)))
        .mount(&server)
        .await;
    let gateway = service(&server, 100).await;
    let result: Result<Order, _> = gateway
        .send(gateway.request(Method::GET, "/slow"), Retry::Safe)
        .await;
    assert!(matches!(result, Err(OutboundError::Unavailable { .. })));
}

#[test]
fn a_failed_outside_call_is_a_502_or_a_503_that_says_nothing_of_the_provider() {
    let down = OutboundError::Unavailable {
        service: "gateway",
        reason: "connection refused at 10.0.0.7".into(),
    };
    let refused = OutboundError::Refused {
        service: "gateway",
        status: StatusCode::BAD_REQUEST,
        body: "secret key sk_live_… is invalid".into(),
    };
    let down = crate::ApiError::from(down);
    let refused = crate::ApiError::from(refused);
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.status(), StatusCode::BAD_GATEWAY);
    for error in [down, refused] {
        let body = serde_json::to_string(&error.problem()).unwrap();
        assert!(
            !body.contains("10.0.0.7") && !body.contains("sk_live"),
            "{body}"
        );
    }
}
