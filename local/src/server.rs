//! The dev server's HTTP side: the API routed exactly as template.yaml's `HttpApi` events
//! declare, plus local-only pages under `/_local`, `/openapi.json` and `/docs`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, any, get, post};
use bazaar_shared::extract::{Json, Path, Query};
use bazaar_shared::{ApiError, Clock};
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;
use tower::ServiceExt;
use tower_http::trace::TraceLayer;

use crate::functions::Route;
use crate::mailbox;
use crate::stack::Shared;
use crate::summary::truncated;

/// Set by `bazaar-local --quiet`: no line per request.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Turns the per-request log lines off (`true`) or on.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// The request id of one request, as API Gateway would assign it.
#[derive(Clone)]
struct RequestId(String);

/// Routes the template's `HttpApi` events to their functions' routers. Anything the template
/// does not declare is a 404 here, as on API Gateway. The request context's `timeEpoch` comes from `clock`, the clock the functions read.
pub fn api(routes: Vec<(Route, Router)>, stage: &str, clock: &Clock) -> Router {
    let mut by_path: BTreeMap<String, MethodRouter> = BTreeMap::new();
    for (route, function) in routes {
        let target = Target {
            function,
            route_key: format!("{} {}", route.method, route.path),
            stage: stage.to_owned(),
            clock: clock.clone(),
        };
        let handler = move |request: Request| forward(target.clone(), request);
        let path = axum_path(&route.path);
        let entry = by_path.remove(&path).unwrap_or_default();
        let entry = match method_filter(&route.method) {
            Some(filter) => entry.on(filter, handler),
            None => any(handler),
        };
        by_path.insert(path, entry);
    }
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| {
            router.route(&path, methods)
        })
}

/// `{proxy+}` (API Gateway's greedy parameter) is `{*proxy}` in axum.
fn axum_path(path: &str) -> String {
    path.split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix("+}")) {
                Some(name) => format!("{{*{name}}}"),
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

fn method_filter(method: &str) -> Option<MethodFilter> {
    match method {
        "ANY" => None,
        other => Method::from_bytes(other.as_bytes())
            .ok()
            .and_then(|m| MethodFilter::try_from(m).ok()),
    }
}

/// One route's function, and what its requests' context says.
#[derive(Clone)]
struct Target {
    function: Router,
    route_key: String,
    stage: String,
    clock: Clock,
}

/// Hands the request to the function's router with the context a Lambda behind an HTTP API
/// (payload v2) receives.
async fn forward(target: Target, request: Request) -> Response {
    // A fresh request, as Lambda builds one: the dev server's own routing state (matched path
    // parameters and other extensions) must not leak into the function's router.
    let (parts, body) = request.into_parts();
    let mut request = Request::new(body);
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = parts.uri.clone();
    *request.version_mut() = parts.version;
    *request.headers_mut() = parts.headers;
    let mut context = ApiGatewayV2httpRequestContext::default();
    context.route_key = Some(target.route_key);
    context.stage = Some(target.stage);
    context.apiid = Some("local".to_owned());
    context.request_id = parts.extensions.get::<RequestId>().map(|id| id.0.clone());
    context.http.method = parts.method;
    context.http.path = Some(parts.uri.path().to_owned());
    context.http.protocol = Some("HTTP/1.1".to_owned());
    context.time_epoch = (target.clock.now().unix_timestamp_nanos() / 1_000_000) as i64;
    request
        .extensions_mut()
        .insert(RequestContext::ApiGatewayV2(context));
    match target.function.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Assigns the request id API Gateway would: the function's request context and the request's
/// log span carry it, and the response echoes it in `x-request-id`.
async fn assign_request_id(mut request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// One span per request, with its id, method and path.
fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .extensions()
        .get::<RequestId>()
        .map_or("", |id| id.0.as_str());
    tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
}

/// The whole dev server: API, docs, local-only pages, and `pages`: the payment gateways'
/// stand-ins (`crate::gateways`, already mounted under `/_local`) and the web console.
pub fn app(api: Router, pages: Router, shared: Arc<Shared>) -> Router {
    let local = Router::new()
        .route("/_local", get(index))
        .route("/_local/mail", get(mail_json))
        .route("/_local/mail.html", get(mail_page))
        .route("/_local/schedules/{function}", post(fire))
        .route("/openapi.json", get(openapi))
        .route("/docs", get(docs))
        .route("/docs/redoc.standalone.js", get(redoc_script))
        .with_state(shared);
    // API Gateway answers 404 for a method the template does not declare on a path, too.
    traced(
        api.merge(local)
            .merge(pages)
            .fallback(|| async { ApiError::not_found("No such route.") })
            .method_not_allowed_fallback(|| async { ApiError::not_found("No such route.") }),
    )
}

/// Every request gets an id and a span (the functions' own log lines carry it), and one short
/// line when answered ([`log_request`]); `TraceLayer` still reports failures (5xx).
fn traced(router: Router) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(request_span)
        .on_response(());
    // The last layer runs first: the id exists before the span is made.
    router
        .layer(trace)
        .layer(middleware::from_fn(log_request))
        .layer(middleware::from_fn(assign_request_id))
}

/// `GET /events/… 200 3ms`: method, path (cut at 60 characters), status, milliseconds, under
/// the `request` target, so `RUST_LOG=info,request=off` silences it as `--quiet` does. Logged
/// outside the request's span to stay one short line.
async fn log_request(request: Request, next: Next) -> Response {
    if QUIET.load(Ordering::Relaxed) {
        return next.run(request).await;
    }
    let method = request.method().clone();
    let path = truncated(request.uri().path(), 60);
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        target: "request",
        "{method} {path} {} {}ms",
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}

async fn index(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    Json(shared.describe())
}

async fn mail_json(
    State(shared): State<Arc<Shared>>,
) -> Result<Json<Vec<mailbox::SentMail>>, ApiError> {
    Ok(Json(
        mailbox::sent_mail(&shared.http, &shared.moto_url).await?,
    ))
}

/// `?to=` narrows the page to one recipient (part of an address).
#[derive(serde::Deserialize)]
struct MailFilter {
    to: Option<String>,
}

async fn mail_page(
    State(shared): State<Arc<Shared>>,
    Query(filter): Query<MailFilter>,
) -> Result<Html<String>, ApiError> {
    let mail = mailbox::sent_mail(&shared.http, &shared.moto_url).await?;
    Ok(Html(mailbox::page(&mail, filter.to.as_deref())))
}

async fn fire(
    State(shared): State<Arc<Shared>>,
    Path(function): Path<String>,
) -> Result<Json<Vec<serde_json::Value>>, ApiError> {
    match shared.fire(&function).await {
        Some(result) => Ok(Json(result?)),
        None => Err(ApiError::not_found(format!("{function} has no schedule."))),
    }
}

async fn openapi() -> impl IntoResponse {
    axum::Json(crate::registry::openapi())
}

async fn docs() -> Html<&'static str> {
    Html(DOCS_PAGE)
}

/// Redoc's standalone bundle, installed with the stand-ins (`local/stack.sh install`), so the
/// docs page needs nothing from outside this machine.
async fn redoc_script(State(shared): State<Arc<Shared>>) -> Response {
    let path = shared.stack_dir.join("docs/redoc.standalone.js");
    match tokio::fs::read(&path).await {
        Ok(script) => (
            [(axum::http::header::CONTENT_TYPE, "text/javascript")],
            script,
        )
            .into_response(),
        Err(_) => ApiError::not_found("Redoc is not installed: run local/stack.sh install.")
            .into_response(),
    }
}

/// Renders /openapi.json with Redoc.
const DOCS_PAGE: &str = r#"<!doctype html>
<html><head><title>Bazaar API</title><meta charset="utf-8"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="/docs/redoc.standalone.js"></script></body></html>"#;

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
