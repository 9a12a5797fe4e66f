//! What every route group's router gets: a body-size cap and problem+json fallbacks.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;

mod complete;

/// Largest JSON body any route accepts unless it raises its own limit (uploads do).
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// Finishes a route group's router: unknown paths and methods answer problem+json, and bodies
/// over [`DEFAULT_BODY_LIMIT`] are refused with 413 by the body extractors.
pub fn api_router(routes: Router) -> Router {
    routes
        .fallback(|| async { ApiError::not_found("No such route.") })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(DEFAULT_BODY_LIMIT))
}

/// A route group's router with its state, finished by [`api_router`]. The routes are declared
/// once, with `utoipa_axum::routes!`, so the router and the OpenAPI document cannot drift.
pub fn serve<S>(routes: OpenApiRouter<S>, state: S) -> Router
where
    S: Clone + Send + Sync + 'static,
{
    let (router, _) = routes.split_for_parts();
    api_router(router.with_state(state))
}

/// The OpenAPI document of a route group (no state needed: only the declarations are read),
/// completed with what every operation may answer through the shared layers
/// ([`complete::complete`]).
pub fn document<S>(routes: OpenApiRouter<S>) -> utoipa::openapi::OpenApi
where
    S: Clone + Send + Sync + 'static,
{
    let mut doc = routes.split_for_parts().1;
    complete::complete(&mut doc);
    doc
}

/// `METHOD /path` of every operation of an OpenAPI document, sorted: what a route group's
/// tests compare with the routes it should serve.
pub fn operations(doc: &utoipa::openapi::OpenApi) -> Vec<String> {
    let mut operations: Vec<String> = doc
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ]
            .into_iter()
            .filter(|(_, operation)| operation.is_some())
            .map(move |(method, _)| format!("{method} {path}"))
        })
        .collect();
    operations.sort();
    operations
}
