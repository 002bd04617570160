//! Links in answers are built from the `Host` header when no public URL is set: a `Host`
//! that is not a host name or address (with an optional port) is answered 400 in GC Notify's
//! format, before anything is stored, and never reaches a link.

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{Backend, TestApp, messages};

/// Sends `head` (request line and headers, without the final blank line) and `body` over a
/// new connection, as raw bytes; returns the status and the JSON body.
async fn raw(app: &TestApp, head: &str, body: &str) -> (u16, Value) {
    let address = app.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "{head}\r\nAuthorization: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        app.api_key_header(&app.live),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let (_, json) = answer.split_once("\r\n\r\n").unwrap();
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

const REFUSED: &str = "The Host header must be a host name, an IPv4 address or a bracketed \
                       IPv6 address, optionally followed by :port";

#[tokio::test]
async fn a_host_that_is_not_one_is_a_400_and_never_reaches_a_link() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let send =
        json!({"email_address": "a@example.ca", "template_id": app.email_template.id.to_string(),
                      "personalisation": {"name": "A", "code": "1"}})
        .to_string();
    for host in [
        "evil.example\"><script>alert(1)</script>",
        "a'b",
        "evil example",
        "evil.example/phish",
        "user@evil.example",
        "evil.example:80:80",
        "<evil>",
        "[::1\"]",
    ] {
        for (head, body) in [
            ("GET /v2/notifications HTTP/1.1".to_owned(), String::new()),
            (
                "POST /v2/notifications/email HTTP/1.1".to_owned(),
                send.clone(),
            ),
            ("GET /_status HTTP/1.1".to_owned(), String::new()),
        ] {
            let (status, answer) = raw(&app, &format!("{head}\r\nHost: {host}"), &body).await;
            assert_eq!(status, 400, "{host:?} {head}: {answer}");
            assert_eq!(answer["status_code"], 400, "{answer}");
            assert_eq!(answer["errors"][0]["error"], "BadRequestError", "{answer}");
            assert_eq!(messages(&answer), vec![REFUSED], "{answer}");
        }
    }
    // Two Host headers are refused too (RFC 9112).
    let (status, _) = raw(
        &app,
        "GET /v2/notifications HTTP/1.1\r\nHost: a.example\r\nHost: b.example",
        "",
    )
    .await;
    assert_eq!(status, 400);
    // Nothing was stored by the refused sends.
    let (_, list) = app.get("/v2/notifications", &app.live).await;
    assert_eq!(list["notifications"], json!([]));
}

#[tokio::test]
async fn names_and_addresses_with_ports_make_the_links() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    for host in [
        "notify.example.ca:8443",
        "carillon_api",
        "10.1.2.3:6011",
        "[::1]:6011",
    ] {
        let (status, answer) = raw(
            &app,
            &format!("GET /v2/notifications HTTP/1.1\r\nHost: {host}"),
            "",
        )
        .await;
        assert_eq!(status, 200, "{host}: {answer}");
        assert_eq!(
            answer["links"]["current"],
            format!("http://{host}/v2/notifications"),
            "{host}"
        );
    }
}
