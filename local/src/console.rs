//! The web console (`web/` at the top of the repository): static files served at `/console/`,
//! as the deployed bucket serves them, with `/` sending a browser there. `/nano/coins`, where
//! Stripe Checkout sends a buyer back (`NANO_RETURN_URL`), lands on the console's nano screen.

use std::path::{Component, Path as FsPath, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use bazaar_shared::ApiError;

/// Where the console is served.
pub const PATH: &str = "/console/";

/// The console's routes, reading files from `dir` on every request (edits show on reload).
pub fn router(dir: PathBuf) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to(PATH) }))
        .route("/console", get(|| async { Redirect::to(PATH) }))
        .route("/console/", get(index))
        .route("/console/{*file}", get(file))
        .route("/nano/coins", get(stripe_return))
        .with_state(Arc::new(dir))
}

async fn index(State(dir): State<Arc<PathBuf>>) -> Response {
    serve(&dir, "index.html").await
}

async fn file(State(dir): State<Arc<PathBuf>>, Path(file): Path<String>) -> Response {
    serve(&dir, &file).await
}

/// Stripe appends `?checkout=success|cancel`; the console reads it on its nano screen.
async fn stripe_return(RawQuery(query): RawQuery) -> Redirect {
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Redirect::to(&format!("{PATH}{query}#/nano"))
}

async fn serve(dir: &FsPath, file: &str) -> Response {
    let Some(path) = inside(dir, file) else {
        return ApiError::not_found("No such file.").into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type(&path)),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => ApiError::not_found("No such file.").into_response(),
    }
}

/// `file` under `dir`, if it names a plain file path there: no `..`, no hidden names.
pub fn inside(dir: &FsPath, file: &str) -> Option<PathBuf> {
    let relative = FsPath::new(file);
    let plain = relative.components().all(|c| match c {
        Component::Normal(name) => !name.to_string_lossy().starts_with('.'),
        _ => false,
    });
    (plain && !file.is_empty()).then(|| dir.join(relative))
}

/// The content type of the console's kinds of file.
pub fn content_type(path: &FsPath) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_inside_the_folder_are_served() {
        let dir = FsPath::new("/srv/web");
        assert_eq!(
            inside(dir, "views/nano.js"),
            Some(PathBuf::from("/srv/web/views/nano.js"))
        );
        for hostile in [
            "../Cargo.toml",
            "views/../../x",
            "/etc/passwd",
            ".git/config",
            "",
        ] {
            assert_eq!(inside(dir, hostile), None, "{hostile}");
        }
    }

    #[test]
    fn scripts_and_styles_carry_their_types() {
        assert_eq!(
            content_type(FsPath::new("app.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(FsPath::new("style.css")),
            "text/css; charset=utf-8"
        );
        assert_eq!(
            content_type(FsPath::new("x.bin")),
            "application/octet-stream"
        );
    }
}
