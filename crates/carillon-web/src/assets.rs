//! The stylesheet, embedded in the binary and served under a name holding a hash of its
//! content: a new build gets a new URL, so browsers may keep each one for a year.

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The stylesheet's text.
const STYLESHEET: &str = include_str!("../static/carillon.css");

/// Where static files are served.
pub(crate) const STYLESHEET_ROUTE: &str = "/static/{file}";

/// `carillon.<first 16 hex digits of the SHA-256 of the content>.css`, computed once.
static STYLESHEET_NAME: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(STYLESHEET.as_bytes());
    let mut name = String::from("carillon.");
    for byte in &digest[..8] {
        let _ = write!(name, "{byte:02x}");
    }
    name.push_str(".css");
    name
});

/// The stylesheet's URL, for the layout's `<link>`.
pub(crate) fn stylesheet_href() -> String {
    format!("/static/{}", *STYLESHEET_NAME)
}

/// Serves the stylesheet under its current name only.
pub(crate) async fn stylesheet(Path(file): Path<String>) -> Response {
    if file != *STYLESHEET_NAME {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        STYLESHEET,
    )
        .into_response()
}
