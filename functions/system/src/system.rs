//! The `system` function: `GET /health`, which says which build and stage answer.

use std::sync::Arc;

use axum::extract::State;
use bazaar_shared::ConfigError;
use bazaar_shared::extract::Json;
use bazaar_shared::function::{Function, Init};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What the `system` function needs: the stage it reports. It reads no time and no table, so
/// it carries no clock and warms no connection.
#[derive(Debug, Clone)]
pub struct SystemState {
    stage: Arc<str>,
}

/// `STAGE`.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let state = SystemState {
        stage: init.env.required("STAGE")?.into(),
    };
    Ok(Function::http(bazaar_shared::http::serve(routes(), state)))
}

/// The OpenAPI description of the `system` function.
pub fn openapi() -> utoipa::openapi::OpenApi {
    bazaar_shared::http::document(routes())
}

fn routes() -> OpenApiRouter<SystemState> {
    OpenApiRouter::new().routes(routes!(health))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the function answers.
    pub status: &'static str,
    pub service: &'static str,
    pub version: &'static str,
    pub stage: String,
}

/// Liveness of the API and the build that answers.
#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, description = "The API is up", body = Health)))]
async fn health(State(state): State<SystemState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        service: "bazaar",
        version: env!("CARGO_PKG_VERSION"),
        stage: state.stage.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use bazaar_shared::Init;
    use bazaar_shared::function::Handler;
    use tower::ServiceExt;

    use super::*;

    fn init(vars: &[(&str, &str)]) -> Init {
        Init::offline(vars.iter().copied())
    }

    #[tokio::test]
    async fn health_names_the_build_and_the_stage() {
        let Handler::Http(router) = build(&init(&[("STAGE", "test")])).unwrap().handler else {
            panic!("system is an HTTP function")
        };
        let response = router
            .oneshot(Request::get("/health").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let health: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(health["status"], "ok");
        assert_eq!(health["stage"], "test");
        assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn a_missing_stage_fails_the_build() {
        let error = build(&init(&[])).err().unwrap();
        assert_eq!(error, ConfigError::Missing("STAGE".into()));
    }

    #[test]
    fn the_document_describes_health() {
        let document = openapi();
        assert!(document.paths.paths["/health"].get.is_some());
    }
}
