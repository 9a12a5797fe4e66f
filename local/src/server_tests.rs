use axum::body::Body;
use axum::routing::get;
use lambda_http::RequestExt;
use time::OffsetDateTime;

use super::*;

/// A function that answers with what its Lambda request context says.
fn echo_context() -> Router {
    Router::new().route(
        "/events/{id}",
        get(|request: Request| async move {
            let context = request.request_context_ref().cloned();
            let Some(RequestContext::ApiGatewayV2(context)) = context else {
                return axum::Json(serde_json::Value::Null);
            };
            axum::Json(serde_json::json!({
                "request_id": context.request_id,
                "route_key": context.route_key,
                "stage": context.stage,
                "time_epoch": context.time_epoch,
            }))
        }),
    )
}

#[tokio::test]
async fn a_routed_request_carries_the_api_gateway_context_and_its_request_id() {
    bazaar_shared::telemetry::init_for_tests();
    let clock = Clock::manual(OffsetDateTime::from_unix_timestamp(1_795_428_000).unwrap());
    let route = Route {
        method: "GET".to_owned(),
        path: "/events/{id}".to_owned(),
    };
    let app = traced(api(vec![(route, echo_context())], "t1", &clock));

    let request = Request::get("/events/e1").body(Body::empty()).unwrap();
    let response = app.oneshot(request).await.unwrap();

    assert_eq!(response.status(), 200);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .unwrap();
    let context: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(context["request_id"], id.as_str());
    assert_eq!(context["route_key"], "GET /events/{id}");
    assert_eq!(context["stage"], "t1");
    assert_eq!(context["time_epoch"], 1_795_428_000_000_i64);
}

#[tokio::test]
async fn a_path_the_template_does_not_declare_still_gets_a_request_id() {
    let app = traced(api(Vec::new(), "t1", &Clock::system()));

    let request = Request::get("/nowhere").body(Body::empty()).unwrap();
    let response = app.oneshot(request).await.unwrap();

    assert_eq!(response.status(), 404);
    assert!(response.headers().contains_key("x-request-id"));
}
