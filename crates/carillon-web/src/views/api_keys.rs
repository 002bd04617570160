//! API integration (A19): the hub, the service's API keys, creating one (its full text shown
//! once, on the page after creation), and revoking one after a confirmation page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use carillon_app::team::TeamError;
use carillon_domain::{ApiKey, ApiKeyId, KeyType, MemberPermission, ServiceId};
use serde::Deserialize;
use serde_json::json;

use crate::form::{Field, Msg, Problem};
use crate::page::Page;
use crate::security::CSRF_FIELD;
use crate::views::page_response;
use crate::views::signed_in::{Account, ConfirmView, no_store};

/// The session data key holding a key just created, until its page is shown once.
const CREATED_KEY: &str = "created_api_key";

/// A service id from the path; an id that cannot be one is "not found".
pub(crate) fn service_id(account: &Account, text: &str) -> Result<ServiceId, Box<Response>> {
    ServiceId::parse(text).map_err(|_| Box::new(account.refused(&TeamError::NotFound)))
}

/// The service in the path and its keys (revoked ones included), or the refusal to show.
async fn service_keys(account: &Account, id: &str) -> Result<(ServiceId, Vec<ApiKey>), Response> {
    let service = service_id(account, id).map_err(|response| *response)?;
    let app = &account.ctx.state.app;
    match app.service_api_keys(&account.user, service).await {
        Ok(keys) => Ok((service, keys)),
        Err(error) => Err(account.refused(&error)),
    }
}

/// Whether the service is in trial (no live keys), when the person may manage its keys.
async fn in_trial(account: &Account, service: ServiceId) -> Result<bool, Response> {
    let app = &account.ctx.state.app;
    match app
        .require(&account.user, service, MemberPermission::ManageApiKeys)
        .await
    {
        Ok(found) => Ok(found.restricted),
        Err(error) => Err(account.refused(&error)),
    }
}

#[derive(Template)]
#[template(path = "api_keys/hub.html")]
struct HubView {
    page: Page,
    base: String,
    keys: usize,
}

/// The API integration hub: links to keys, safelist and callbacks.
pub(crate) async fn hub(account: Account, Path(id): Path<String>) -> Response {
    let (service, keys) = match service_keys(&account, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let view = HubView {
        page: account.page(Msg("api-hub-title"), Vec::new()),
        base: format!("/services/{service}/api"),
        keys: keys.iter().filter(|k| k.revoked_at.is_none()).count(),
    };
    page_response(false, &view)
}

/// A key as its row shows it.
struct KeyRow {
    id: String,
    name: String,
    kind: Msg,
    revoked: bool,
}

fn type_label(key_type: KeyType) -> Msg {
    match key_type {
        KeyType::Normal => Msg("api-key-type-live"),
        KeyType::Team => Msg("api-key-type-team"),
        KeyType::Test => Msg("api-key-type-test"),
    }
}

#[derive(Template)]
#[template(path = "api_keys/list.html")]
struct ListView {
    page: Page,
    base: String,
    banner: Option<Msg>,
    keys: Vec<KeyRow>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    revoked: Option<String>,
}

/// The service's keys, revoked ones marked "Revoked".
pub(crate) async fn list(
    account: Account,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    let (service, keys) = match service_keys(&account, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let view = ListView {
        page: account.page(Msg("api-keys-title"), Vec::new()),
        base: format!("/services/{service}/api/keys"),
        banner: query.revoked.map(|_| Msg("api-key-revoked-banner")),
        keys: keys
            .into_iter()
            .map(|key| KeyRow {
                id: key.id.to_string(),
                name: key.name,
                kind: type_label(key.key_type),
                revoked: key.revoked_at.is_some(),
            })
            .collect(),
    };
    page_response(false, &view)
}

#[derive(Template)]
#[template(path = "api_keys/create.html")]
struct CreateView {
    page: Page,
    action: String,
    csrf_field: &'static str,
    csrf_token: String,
    field: Field,
    chosen: String,
    type_error: Option<Msg>,
    trial: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CreateInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    key_type: String,
}

/// Where the error summary sends the key type's errors: the "team and safelist" radio, the
/// first that is never disabled (a trial service cannot choose a live key).
const TYPE_FIELD: &str = "key_type-team";

fn create_view(
    account: &Account,
    service: ServiceId,
    trial: bool,
    input: &CreateInput,
    problems: Vec<Problem>,
) -> CreateView {
    let type_error = problems
        .iter()
        .find(|p| p.field == TYPE_FIELD)
        .map(|p| p.message);
    CreateView {
        action: format!("/services/{service}/api/keys/create"),
        csrf_field: CSRF_FIELD,
        csrf_token: account.csrf(),
        field: Field::text("name", Msg("api-key-name"), "off")
            .hint(Msg("api-key-name-hint"))
            .value(&input.name)
            .problems(&problems),
        chosen: input.key_type.clone(),
        type_error,
        trial,
        page: account.page(Msg("api-key-create-title"), problems),
    }
}

/// The form for a new key; in trial the live option is disabled.
pub(crate) async fn show_create(account: Account, Path(id): Path<String>) -> Response {
    let service = match service_id(&account, &id) {
        Ok(service) => service,
        Err(response) => return *response,
    };
    match in_trial(&account, service).await {
        Ok(trial) => page_response(
            false,
            &create_view(
                &account,
                service,
                trial,
                &CreateInput::default(),
                Vec::new(),
            ),
        ),
        Err(response) => response,
    }
}

/// Creates the key and keeps its text in the session for the next page only.
pub(crate) async fn submit_create(
    account: Account,
    Path(id): Path<String>,
    Form(input): Form<CreateInput>,
) -> Response {
    let service = match service_id(&account, &id) {
        Ok(service) => service,
        Err(response) => return *response,
    };
    let key_type = KeyType::parse(&input.key_type);
    let mut problems = Vec::new();
    if input.name.trim().is_empty() {
        problems.push(Problem::new("name", Msg("api-key-error-name-missing")));
    }
    if key_type.is_none() {
        problems.push(Problem::new(TYPE_FIELD, Msg("api-key-error-type-missing")));
    }
    let created = match (key_type, problems.is_empty()) {
        (Some(key_type), true) => {
            let app = &account.ctx.state.app;
            app.create_service_api_key(&account.user, service, input.name.trim(), key_type)
                .await
        }
        _ => Err(TeamError::InvalidKeyName),
    };
    let problem = match created {
        Ok(created) => {
            let value = json!({ "service": service.to_string(), "name": created.key.name, "key": created.full_key });
            account.session().await.set_data(CREATED_KEY, value);
            return crate::views::see_other(&format!("/services/{service}/api/keys/created"));
        }
        Err(TeamError::InvalidKeyName) if !problems.is_empty() => None,
        Err(TeamError::InvalidKeyName) => {
            Some(Problem::new("name", Msg("api-key-error-name-invalid")))
        }
        Err(TeamError::DuplicateKeyName) => {
            Some(Problem::new("name", Msg("api-key-error-name-taken")))
        }
        Err(TeamError::LiveKeyInTrial) => {
            Some(Problem::new(TYPE_FIELD, Msg("api-key-error-live-in-trial")))
        }
        Err(error) => return account.refused(&error),
    };
    problems.extend(problem);
    let trial = match in_trial(&account, service).await {
        Ok(trial) => trial,
        Err(response) => return response,
    };
    page_response(
        true,
        &create_view(&account, service, trial, &input, problems),
    )
}

#[derive(Template)]
#[template(path = "api_keys/created.html")]
struct CreatedView {
    page: Page,
    name: String,
    key: String,
    back: String,
}

/// The new key, shown once: the session forgets it as the page is made.
pub(crate) async fn created(account: Account, Path(id): Path<String>) -> Response {
    let service = match service_id(&account, &id) {
        Ok(service) => service,
        Err(response) => return *response,
    };
    let back = format!("/services/{service}/api/keys");
    let kept = account.session().await.remove_data(CREATED_KEY);
    let text = |value: &serde_json::Value, key: &str| {
        value.get(key).and_then(|v| v.as_str()).map(str::to_owned)
    };
    let shown = kept.as_ref().and_then(|value| {
        let ours = text(value, "service")? == service.to_string();
        ours.then(|| Some((text(value, "name")?, text(value, "key")?)))?
    });
    match shown {
        Some((name, key)) => no_store(
            StatusCode::OK,
            &CreatedView {
                page: account.page(Msg("api-key-created-title"), Vec::new()),
                name,
                key,
                back,
            },
        ),
        None => crate::views::see_other(&back),
    }
}

/// "Are you sure?" before revoking a key.
pub(crate) async fn show_revoke(
    account: Account,
    Path((id, key)): Path<(String, String)>,
) -> Response {
    let (service, keys) = match service_keys(&account, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(found) = keys
        .into_iter()
        .find(|k| k.id.to_string() == key && k.revoked_at.is_none())
    else {
        return account.refused(&TeamError::NotFound);
    };
    let body = account.t1(Msg("api-key-revoke-body"), "name", &found.name);
    let view = ConfirmView::new(
        &account,
        Msg("api-key-revoke-title"),
        body,
        format!("/services/{service}/api/keys/{}/revoke", found.id),
        format!("/services/{service}/api/keys"),
        Msg("api-key-revoke-submit"),
    );
    page_response(false, &view)
}

/// Revokes the key, then back to the list with a banner.
pub(crate) async fn submit_revoke(
    account: Account,
    Path((id, key)): Path<(String, String)>,
) -> Response {
    let service = match service_id(&account, &id) {
        Ok(service) => service,
        Err(response) => return *response,
    };
    let Ok(key) = ApiKeyId::parse(&key) else {
        return account.refused(&TeamError::NotFound);
    };
    match account
        .ctx
        .state
        .app
        .revoke_service_api_key(&account.user, service, key)
        .await
    {
        Ok(()) => crate::views::see_other(&format!("/services/{service}/api/keys?revoked=1")),
        Err(error) => account.refused(&error),
    }
}
