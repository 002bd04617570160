//! The static files (the stylesheet and the security keys' script), embedded in the binary and
//! served under names holding a hash of their content: a new build gets new URLs, so browsers
//! may keep each one for a year.

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Where static files are served.
pub(crate) const STATIC_ROUTE: &str = "/static/{file}";

/// One embedded file.
struct Asset {
    stem: &'static str,
    extension: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const STYLESHEET: Asset = Asset {
    stem: "carillon",
    extension: "css",
    content_type: "text/css; charset=utf-8",
    body: include_str!("../static/carillon.css"),
};

/// The only script: it runs the WebAuthn ceremony on the security key pages (a same-origin
/// file, so the content security policy's `default-src 'self'` allows it and no inline script).
const WEBAUTHN_SCRIPT: Asset = Asset {
    stem: "webauthn",
    extension: "js",
    content_type: "text/javascript; charset=utf-8",
    body: include_str!("../static/webauthn.js"),
};

/// `<stem>.<first 16 hex digits of the SHA-256 of the content>.<extension>`.
fn hashed_name(asset: &Asset) -> String {
    let digest = Sha256::digest(asset.body.as_bytes());
    let mut name = format!("{}.", asset.stem);
    for byte in &digest[..8] {
        let _ = write!(name, "{byte:02x}");
    }
    name.push('.');
    name.push_str(asset.extension);
    name
}

static STYLESHEET_NAME: LazyLock<String> = LazyLock::new(|| hashed_name(&STYLESHEET));
static SCRIPT_NAME: LazyLock<String> = LazyLock::new(|| hashed_name(&WEBAUTHN_SCRIPT));

/// The stylesheet's URL, for the layout's `<link>`.
pub(crate) fn stylesheet_href() -> String {
    format!("/static/{}", *STYLESHEET_NAME)
}

/// The security keys' script's URL.
pub(crate) fn webauthn_script_href() -> String {
    format!("/static/{}", *SCRIPT_NAME)
}

/// Serves each file under its current name only.
pub(crate) async fn static_file(Path(file): Path<String>) -> Response {
    let asset = if file == *STYLESHEET_NAME {
        &STYLESHEET
    } else if file == *SCRIPT_NAME {
        &WEBAUTHN_SCRIPT
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.body,
    )
        .into_response()
}
