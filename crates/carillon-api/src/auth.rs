//! Authenticates API calls: `Bearer <JWT>` (GOV.UK-compatible, HS256, `iss` = service id,
//! `iat` within ±30 s) and `ApiKey-v1 gcntfy-…`, with GC Notify's status codes and messages.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use carillon_crypto::{api_key, jwt};
use carillon_domain::{ApiKey, Service, ServiceId};

use crate::error::ApiError;
use crate::state::AppState;

/// How far a JWT's `iat` may be from the server's clock.
const CLOCK_SKEW_SECONDS: i64 = 30;

const INVALID_HEADER: &str = "Unauthorized, Authorization header is invalid. GC Notify supports \
the following authentication methods. Bearer: JWT token that the client generates and passes \
in, Learn more: https://documentation.notification.canada.ca/en/start.html#headers., \
ApiKey-v1: If you cannot generate a JWT token you may optionally use the API secret generated \
for you by GC Notify. Learn more: https://documentation.notification.canada.ca/en/start.html#headers.";

/// The service and key a request was authenticated with.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub service: Service,
    pub key: ApiKey,
}

fn forbidden(message: &str) -> ApiError {
    ApiError::auth(StatusCode::FORBIDDEN, message)
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty())
            .ok_or_else(|| {
                ApiError::auth(
                    StatusCode::UNAUTHORIZED,
                    "Unauthorized, authentication token must be provided",
                )
            })?;
        let lower = header.to_ascii_lowercase();
        let authenticated = if lower.starts_with("bearer") {
            by_jwt(state, header.get(7..).unwrap_or("").trim()).await?
        } else if lower.starts_with("apikey-v1") {
            by_api_key(state, header.get(10..).unwrap_or("").trim()).await?
        } else {
            return Err(ApiError::auth(StatusCode::UNAUTHORIZED, INVALID_HEADER));
        };
        if authenticated.key.revoked_at.is_some() {
            return Err(forbidden("Invalid token: API key revoked"));
        }
        Ok(authenticated)
    }
}

async fn by_jwt(state: &AppState, token: &str) -> Result<Authenticated, ApiError> {
    let claims = jwt::decode_unverified(token)
        .map_err(|_| forbidden("Invalid token: signature, api token is not valid"))?;
    let issuer = claims
        .iss
        .ok_or_else(|| forbidden("Invalid token: iss field not provided"))?;
    let service_id = ServiceId::parse(&issuer)
        .map_err(|_| forbidden("Invalid token: service id is not the right data type"))?;
    let service = state
        .app
        .cached_service(service_id)
        .await?
        .ok_or_else(|| forbidden("Invalid token: service not found"))?;
    let keys = state.app.cached_keys(service_id).await?;
    if keys.is_empty() {
        return Err(forbidden("Invalid token: service has no API keys"));
    }
    if !service.active {
        return Err(forbidden("Invalid token: service is archived"));
    }
    let now = state.app.clock().now().unix_timestamp();
    for key in keys.iter() {
        if !jwt::verify(token, &key.secret) {
            continue;
        }
        let fresh = claims
            .iat
            .is_some_and(|iat| (iat - now).abs() <= CLOCK_SKEW_SECONDS);
        if !fresh {
            return Err(forbidden(
                "Error: Your system clock must be accurate to within 30 seconds",
            ));
        }
        return Ok(Authenticated {
            service,
            key: key.clone(),
        });
    }
    Err(forbidden("Invalid token: signature, api token not found"))
}

async fn by_api_key(state: &AppState, full: &str) -> Result<Authenticated, ApiError> {
    if !full.starts_with(api_key::PREFIX) {
        return Err(forbidden("Invalid token: Enter your full API key"));
    }
    let secret = full.get(full.len().saturating_sub(36)..).unwrap_or("");
    let key = state
        .app
        .cached_key_by_secret(secret)
        .await?
        .ok_or_else(|| forbidden("Invalid token: API key not found"))?;
    // GC Notify checks the service id written in the key too: a key pasted with another
    // service's id in it is refused.
    let parsed = api_key::parse_key(full)
        .map_err(|_| forbidden("Invalid token: Enter your full API key"))?;
    if parsed.service_id != key.service_id.to_string() {
        return Err(forbidden("Invalid token: Enter your full API key"));
    }
    let service = state
        .app
        .cached_service(key.service_id)
        .await?
        .ok_or_else(|| forbidden("Invalid token: API key not found"))?;
    Ok(Authenticated { service, key })
}
