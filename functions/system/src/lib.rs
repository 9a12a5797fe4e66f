//! The system route group: a health check that also says which build and stage answer.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use bazaar_shared::extract::Json;
use bazaar_shared::http::api_router;
use bazaar_shared::{ConfigError, Env};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// Configuration of the system route group.
#[derive(Debug, Clone)]
pub struct SystemState {
    stage: String,
}

impl SystemState {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Self {
            stage: env.required("STAGE")?,
        })
    }
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
async fn health(State(state): State<Arc<SystemState>>) -> Json<Health> {
    Json(Health {
        status: "ok",
        service: "bazaar",
        version: env!("CARGO_PKG_VERSION"),
        stage: state.stage.clone(),
    })
}

pub fn router(state: SystemState) -> Router {
    api_router(
        Router::new()
            .route("/health", get(health))
            .with_state(Arc::new(state)),
    )
}

/// The OpenAPI description of this route group.
#[derive(OpenApi)]
#[openapi(paths(health))]
pub struct ApiDoc;
