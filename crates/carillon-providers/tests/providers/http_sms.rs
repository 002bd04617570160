//! The HTTP SMS provider against a local gateway (axum): the request (JSON body, bearer
//! token), the reference kept, each failure's classification, and the bound on requests in
//! flight.

use std::net::TcpListener as StdTcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use carillon_providers::{
    Gate, HttpSmsProvider, HttpSmsSettings, ProviderError, SecretString, SmsProvider,
};
use serde_json::{Value, json};

use crate::sms;

const TOKEN: &str = "gateway-token-123";

/// What the gateway saw.
#[derive(Clone, Default)]
struct Gateway {
    requests: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
}

/// Answers according to the number the message is for.
async fn receive(
    State(gateway): State<Gateway>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    gateway
        .requests
        .lock()
        .unwrap()
        .push((headers, body.clone()));
    let now = gateway.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    gateway.most_in_flight.fetch_max(now, Ordering::SeqCst);
    let to = body["to"].as_str().unwrap_or_default().to_owned();
    let reference = body["reference"].as_str().unwrap_or_default().to_owned();
    let response = match to.as_str() {
        "+15550000429" => (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response(),
        "+15550000500" => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        "+15550000503" => (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response(),
        "+15550000400" => (
            StatusCode::BAD_REQUEST,
            format!(
                "{{\"error\": \"invalid destination\",\n \"detail\": \"{}\"}}",
                "x".repeat(500)
            ),
        )
            .into_response(),
        "+15550000401" => (StatusCode::UNAUTHORIZED, "bad token").into_response(),
        "+15550000302" => (StatusCode::FOUND, [(header::LOCATION, "/elsewhere")]).into_response(),
        "+15550000204" => StatusCode::OK.into_response(),
        "+15550000999" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Json(json!({"id": "too-late"})).into_response()
        }
        _ => {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Json(json!({"id": format!("gw-{reference}")})).into_response()
        }
    };
    gateway.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

/// Starts the gateway on a free port; returns its URL.
async fn start(gateway: Gateway) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/sms", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/v1/sms", post(receive))
        .with_state(gateway);
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn provider(url: &str, max_in_flight: usize) -> HttpSmsProvider {
    let settings = HttpSmsSettings::new(url, SecretString::from(TOKEN))
        .unwrap()
        .with_timeout(Duration::from_millis(1000))
        .with_max_in_flight(max_in_flight);
    HttpSmsProvider::new(settings).unwrap()
}

#[tokio::test]
async fn posts_json_with_the_bearer_token_and_keeps_the_gateway_id() {
    let gateway = Gateway::default();
    let provider = provider(&start(gateway.clone()).await, 4);
    assert_eq!(provider.name(), "http-sms");
    assert!(!format!("{provider:?}").contains(TOKEN));

    let mut message = sms("+16135550123");
    message.body = "Votre code : 123456 — merci".to_owned();
    let no_id = sms("+15550000204");
    let results = provider.send_sms(&[message.clone(), no_id.clone()]).await;
    let accepted = results[0].as_ref().unwrap();
    assert_eq!(accepted.reference, format!("gw-{}", message.id));
    assert!(!accepted.delivered, "a gateway only takes it: status sent");
    assert_eq!(
        results[1].as_ref().unwrap().reference,
        no_id.id.to_string(),
        "without an id in the reply, the notification id is the reference"
    );

    let requests = gateway.requests.lock().unwrap().clone();
    let (headers, body) = requests
        .iter()
        .find(|(_, body)| body["to"] == "+16135550123")
        .unwrap();
    assert_eq!(
        headers[header::AUTHORIZATION],
        format!("Bearer {TOKEN}").as_str()
    );
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(
        *body,
        json!({
            "to": "+16135550123",
            "from": "Carillon",
            "body": "Votre code : 123456 — merci",
            "reference": message.id.to_string(),
        })
    );
}

#[tokio::test]
async fn classifies_each_failure() {
    let provider = provider(&start(Gateway::default()).await, 8);
    let numbers = [
        "+15550000429",
        "+15550000500",
        "+15550000503",
        "+15550000999",
        "+15550000400",
        "+15550000401",
        "+15550000302",
    ];
    let batch: Vec<_> = numbers.into_iter().map(sms).collect();
    let results = provider.send_sms(&batch).await;
    for (number, result) in numbers.iter().zip(&results) {
        let transient = matches!(
            *number,
            "+15550000429" | "+15550000500" | "+15550000503" | "+15550000999"
        );
        match result {
            Err(ProviderError::Transient(_)) if transient => {}
            Err(ProviderError::Permanent(_)) if !transient => {}
            other => panic!("{number}: {other:?}"),
        }
    }
    let Err(ProviderError::Transient(reason)) = &results[0] else {
        unreachable!()
    };
    assert!(
        reason.contains("429") && reason.contains("slow down"),
        "{reason}"
    );
    let Err(ProviderError::Transient(reason)) = &results[3] else {
        unreachable!()
    };
    assert!(reason.contains("in time"), "{reason}");
    let Err(ProviderError::Permanent(reason)) = &results[4] else {
        unreachable!()
    };
    assert!(
        reason.contains("400") && reason.contains("invalid destination"),
        "{reason}"
    );
    assert!(
        !reason.contains('\n') && reason.chars().count() < 300,
        "the body is cut to one short line: {reason}"
    );

    // Nothing listens on a port that was just freed.
    let closed = StdTcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nobody = self::provider(&format!("http://127.0.0.1:{closed}/v1/sms"), 1);
    let results = nobody.send_sms(&[sms("+16135550123")]).await;
    match &results[0] {
        Err(ProviderError::Transient(reason)) => {
            assert!(reason.contains("connect"), "{reason}");
            assert!(!reason.contains(&closed.to_string()), "no URL: {reason}");
        }
        other => panic!("a refused connection must be transient: {other:?}"),
    }
}

#[tokio::test]
async fn sends_a_batch_concurrently_within_the_bound() {
    let gateway = Gateway::default();
    let provider = provider(&start(gateway.clone()).await, 3);
    let batch: Vec<_> = (0..12).map(|n| sms(&format!("+1613555{n:04}"))).collect();
    let results = provider.send_sms(&batch).await;
    for (message, result) in batch.iter().zip(&results) {
        assert_eq!(
            result.as_ref().unwrap().reference,
            format!("gw-{}", message.id),
            "results come back in the batch's order"
        );
    }
    let most = gateway.most_in_flight.load(Ordering::SeqCst);
    assert!(
        (2..=3).contains(&most),
        "{most} requests were in flight at once"
    );
}

#[tokio::test]
async fn a_message_whose_turn_comes_after_the_gate_closes_is_not_sent() {
    let gateway = Gateway::default();
    // One request at a time, 50 ms each: six take 300 ms, the gate closes after 120.
    let provider = provider(&start(gateway.clone()).await, 1);
    let batch: Vec<_> = (0..6).map(|n| sms(&format!("+1613555{n:04}"))).collect();
    let gate = Gate::until(tokio::time::Instant::now() + Duration::from_millis(120));
    let results = provider.send_sms_through(&batch, &gate).await;
    let sent = results.iter().take_while(|result| result.is_some()).count();
    assert!(
        (1..batch.len()).contains(&sent),
        "{sent} sent before the gate closed"
    );
    assert!(
        results[sent..].iter().all(Option::is_none),
        "none after: {results:?}"
    );
    assert_eq!(
        gateway.requests.lock().unwrap().len(),
        sent,
        "the gateway saw only those"
    );
}
