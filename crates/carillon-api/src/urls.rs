//! Absolute URLs in responses: the configured public URL, else the request's own host, which
//! must be a host name or address (with an optional port) and nothing else.
//!
//! A `Host` that is not one is answered 400 before any handler runs, whether or not a public
//! URL is configured: RFC 9112 (section 3.2) requires it, and refusing afterwards would be
//! too late, since a send builds its links only once the notification is stored.

use std::net::Ipv6Addr;

use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

/// The link host when a request names none (HTTP/1.0).
const NO_HOST: &str = "localhost";

/// A `Host` header's value that is a DNS name, an IPv4 address or a bracketed IPv6 address,
/// optionally followed by `:port`: nothing that could shape a link (no quotes, angle
/// brackets, spaces, slashes, `@`, `%`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkHost(String);

impl LinkHost {
    /// The host, or `None` when `text` is not a name or an address with an optional port.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (host, port) = split_port(text)?;
        if let Some(port) = port
            && (!port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err())
        {
            return None;
        }
        let valid = match host.strip_prefix('[') {
            Some(rest) => rest
                .strip_suffix(']')
                .is_some_and(|inner| inner.parse::<Ipv6Addr>().is_ok()),
            // A dotted IPv4 address is a name of digit labels.
            None => is_dns_name(host),
        };
        valid.then(|| Self(text.to_owned()))
    }

    /// The host as the request wrote it (with its port, if any).
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Splits `host[:port]`; an IPv6 address keeps its brackets and colons.
fn split_port(text: &str) -> Option<(&str, Option<&str>)> {
    if text.starts_with('[') {
        let end = text.find(']')?;
        let (host, rest) = text.split_at(end + 1);
        return match rest {
            "" => Some((host, None)),
            _ => rest.strip_prefix(':').map(|port| (host, Some(port))),
        };
    }
    Some(match text.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    })
}

/// Labels of letters, digits, `-` and `_` (container names use it), at most 63 characters
/// each and 253 in all, with an optional final dot.
fn is_dns_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The request's link host: `Ok(None)` without a `Host` header, an error when there are
/// several or the one given is not a host.
fn request_host(headers: &HeaderMap) -> Result<Option<LinkHost>, ApiError> {
    let mut hosts = headers.get_all(header::HOST).iter();
    let (Some(first), None) = (hosts.next(), hosts.next()) else {
        return match headers.contains_key(header::HOST) {
            true => Err(invalid_host()),
            false => Ok(None),
        };
    };
    first
        .to_str()
        .ok()
        .and_then(LinkHost::parse)
        .map(Some)
        .ok_or_else(invalid_host)
}

fn invalid_host() -> ApiError {
    // The value is not repeated: the answer must not echo what could be markup.
    ApiError::bad_request(
        "The Host header must be a host name, an IPv4 address or a bracketed IPv6 address, \
         optionally followed by :port",
    )
}

/// Answers 400 to a request whose `Host` is not a host, before anything else happens.
pub(crate) async fn check_host(request: Request, next: Next) -> Response {
    match request_host(request.headers()) {
        Ok(_) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// The root URL responses link from, ending with `/`.
pub(crate) fn root_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = &state.settings.public_url {
        return format!("{}/", public.trim_end_matches('/'));
    }
    // [`check_host`] has refused any other Host already; this is the same reading.
    let host = request_host(headers).ok().flatten();
    let host = host.as_ref().map_or(NO_HOST, LinkHost::as_str);
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses_with_ports_are_hosts() {
        for host in [
            "localhost",
            "localhost:6011",
            "notify.example.ca",
            "notify.example.ca.",
            "xn--bcher-kva.example:443",
            "carillon_api:6011",
            "127.0.0.1",
            "10.0.0.7:8080",
            "[::1]",
            "[::1]:6011",
            "[2001:db8::7]:65535",
        ] {
            assert_eq!(
                LinkHost::parse(host).map(|h| h.0),
                Some(host.to_owned()),
                "{host}"
            );
        }
    }

    #[test]
    fn anything_that_could_shape_a_link_is_not_a_host() {
        for host in [
            "",
            ":6011",
            "a\"b",
            "a'b",
            "<script>",
            "a b",
            "a/b",
            "evil.example/x",
            "user@host",
            "a%2Fb",
            "host:",
            "host:65536",
            "host:123456",
            "host:80:80",
            "host:8o",
            "a..b",
            ".a",
            "[::1",
            "[::1]x",
            "[::1]:",
            "[evil\"]",
            "[fe80::1%eth0]",
            "::1",
            "a\\b",
            "é.example",
            &"a".repeat(64),
            &["a"; 128].join("."),
        ] {
            assert_eq!(LinkHost::parse(host), None, "{host:?}");
        }
    }

    #[test]
    fn repeated_host_headers_are_refused_and_a_missing_one_is_not() {
        let mut headers = HeaderMap::new();
        assert_eq!(request_host(&headers), Ok(None));
        headers.append(header::HOST, "a.example".parse().unwrap());
        assert_eq!(
            request_host(&headers),
            Ok(Some(LinkHost("a.example".to_owned())))
        );
        headers.append(header::HOST, "b.example".parse().unwrap());
        assert!(request_host(&headers).is_err());
    }
}
