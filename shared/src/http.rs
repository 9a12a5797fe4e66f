//! What every route group's router gets: a body-size cap and problem+json fallbacks.

use axum::Router;
use axum::extract::DefaultBodyLimit;

use crate::error::ApiError;

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
