//! Extractors whose rejections are answered in our problem+json shape instead of axum's plain
//! text, so a malformed body, query or path is a clear 4xx like every other client error.

use axum::body::Bytes;
use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{RawPathParams, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;

/// A JSON body. Use with `#[serde(deny_unknown_fields)]` request types so that fields the
/// caller may not set (`role`, `available`, …) are refused rather than silently dropped.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// Query-string parameters.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// Path parameters. Every value must look like an id (see [`MAX_PATH_PARAM_LEN`] and
/// [`is_id_like`]) before it is deserialised: anything else (over-long, percent-encoded
/// slashes, traversal, control characters) is a 404 and never reaches DynamoDB, whose keys
/// would refuse it with an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

/// The longest path parameter any route takes (ids, numbers, role names).
pub const MAX_PATH_PARAM_LEN: usize = 128;

/// Letters, digits and `-`, `_`, `.`, `:`, `~`, `@`, `+`; not `.` or `..` alone.
pub fn is_id_like(value: &str) -> bool {
    let allowed =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '~' | '@' | '+');
    (1..=MAX_PATH_PARAM_LEN).contains(&value.len())
        && value.chars().all(allowed)
        && value != "."
        && value != ".."
}

impl<S, T> FromRequestParts<S> for Path<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found("No such resource."))?;
        if raw.iter().any(|(_, value)| !is_id_like(value)) {
            return Err(ApiError::not_found("No such resource."));
        }
        let axum::extract::Path(value) = axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(ApiError::from)?;
        Ok(Self(value))
    }
}

/// A raw request body (uploads), capped by the route's `DefaultBodyLimit`: over the cap is a
/// 413 problem, like a JSON body.
#[derive(Debug, Clone)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(request, state)
            .await
            .map(RawBody)
            .map_err(|rejection: BytesRejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest(rejection.body_text())
                }
            })
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ApiError::UnsupportedMediaType("Send the body as application/json.".to_owned())
            }
            // serde's message names the field and what was expected; it describes the
            // caller's input, never our internals.
            StatusCode::UNPROCESSABLE_ENTITY => ApiError::Unprocessable {
                problem: "invalid-body",
                detail: rejection.body_text(),
            },
            _ => ApiError::BadRequest(rejection.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        match rejection {
            PathRejection::FailedToDeserializePathParams(e) => ApiError::BadRequest(e.body_text()),
            other => ApiError::Internal(anyhow::anyhow!("path extraction: {}", other.body_text())),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use axum::routing::post;
    use serde::Deserialize;
    use tower::ServiceExt;

    use super::*;
    use crate::http::{DEFAULT_BODY_LIMIT, api_router};

    #[derive(Deserialize, Serialize)]
    #[serde(deny_unknown_fields)]
    struct Booking {
        seats: u8,
    }

    fn app() -> Router {
        api_router(Router::new().route(
            "/bookings",
            post(|Json(b): Json<Booking>| async move { Json(b) }),
        ))
    }

    async fn send(
        body: impl Into<Body>,
        content_type: &str,
    ) -> (StatusCode, serde_json::Value, String) {
        let request = Request::post("/bookings")
            .header(header::CONTENT_TYPE, content_type)
            .body(body.into())
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        let status = response.status();
        let media = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or_default(),
            media,
        )
    }

    #[tokio::test]
    async fn a_valid_body_passes() {
        let (status, body, _) = send(r#"{"seats":2}"#, "application/json").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["seats"], 2);
    }

    #[tokio::test]
    async fn body_problems_are_4xx_problem_json() {
        let oversized = format!(
            r#"{{"seats":1,"pad":"{}"}}"#,
            "x".repeat(DEFAULT_BODY_LIMIT)
        );
        for (body, media, expected) in [
            (
                r#"{"seats":"#.to_owned(),
                "application/json",
                StatusCode::BAD_REQUEST,
            ),
            (
                r#"{"seats":2,"role":"admin"}"#.to_owned(),
                "application/json",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                r#"{"seats":-1}"#.to_owned(),
                "application/json",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                r#"{"seats":2}"#.to_owned(),
                "text/plain",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ),
            (oversized, "application/json", StatusCode::PAYLOAD_TOO_LARGE),
        ] {
            let (status, problem, content_type) = send(body.clone(), media).await;
            assert_eq!(status, expected, "{}", &body[..body.len().min(40)]);
            assert_eq!(content_type, crate::error::PROBLEM_JSON);
            assert_eq!(problem["status"], expected.as_u16());
        }
        let (_, problem, _) = send(r#"{"seats":2,"role":"admin"}"#, "application/json").await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("unknown field `role`"),
            "{problem}"
        );
    }

    #[tokio::test]
    async fn unknown_routes_and_methods_are_problem_json() {
        let response = app()
            .oneshot(Request::get("/nowhere").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = app()
            .oneshot(Request::get("/bookings").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            crate::error::PROBLEM_JSON
        );
    }

    #[tokio::test]
    async fn path_ids_that_cannot_be_ids_are_404_before_the_handler_runs() {
        let app = api_router(Router::new().route(
            "/things/{id}",
            axum::routing::get(|Path(id): Path<String>| async move { id }),
        ));
        let status = |path: String| {
            let app = app.clone();
            async move {
                let request = Request::get(path).body(Body::empty()).unwrap();
                app.oneshot(request).await.unwrap().status()
            }
        };
        assert_eq!(status("/things/750-000123".into()).await, StatusCode::OK);
        let long = "a".repeat(MAX_PATH_PARAM_LEN + 1);
        for bad in [
            long.as_str(),
            "..",
            "%2e%2e",
            "a%2Fb",
            "a%00b",
            "%FF%FE",
            "a%20b",
        ] {
            assert_eq!(
                status(format!("/things/{bad}")).await,
                StatusCode::NOT_FOUND,
                "{bad}"
            );
        }
    }
}
