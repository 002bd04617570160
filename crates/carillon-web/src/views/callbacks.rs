//! Callbacks (A20): where Carillon posts delivery statuses and complaints. Saving checks that
//! the receiver answers (the use case decides what is refused: not https, this machine, an
//! answer of 404); testing shows the status and response time in a banner; removing asks first.

use std::sync::OnceLock;
use std::time::Duration;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use carillon_app::callbacks::CallbackError;
use carillon_app::team::{CallbackProbe, CallbackTest, TeamError};
use carillon_domain::ServiceId;
use carillon_store::CallbackKind;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::form::{Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::state::WebState;
use crate::views::api_keys::service_id;
use crate::views::common::{FormPage, Link};
use crate::views::signed_in::{Account, ConfirmView};
use crate::views::{page_response, see_other};

/// The session data key holding the last save's or test's result, shown once as a banner.
const RESULT_KEY: &str = "callback_result";
/// How long a receiver gets to answer the check.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/services/{id}/api/callbacks", get(list))
        .route(
            "/services/{id}/api/callbacks/{kind}",
            get(show).post(submit),
        )
        .route(
            "/services/{id}/api/callbacks/{kind}/test",
            axum::routing::post(test),
        )
        .route(
            "/services/{id}/api/callbacks/{kind}/remove",
            get(show_remove).post(submit_remove),
        )
}

/// The health check over HTTP.
struct HttpProbe {
    allow_loopback: bool,
}

impl CallbackProbe for HttpProbe {
    async fn post_health_check(&self, url: &str, token: &str) -> Result<u16, String> {
        static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
        let client = CLIENT.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(PROBE_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default()
        });
        let answer = client
            .post(url)
            .bearer_auth(token)
            .json(&json!({ "health_check": true }))
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        Ok(answer.status().as_u16())
    }

    fn allow_loopback(&self) -> bool {
        self.allow_loopback
    }
}

fn probe(account: &Account) -> HttpProbe {
    HttpProbe {
        allow_loopback: account.ctx.state.settings.callbacks_allow_loopback,
    }
}

fn heading(kind: CallbackKind) -> Msg {
    match kind {
        CallbackKind::DeliveryStatus => Msg("callback-delivery-title"),
        CallbackKind::Complaint => Msg("callback-complaint-title"),
    }
}

/// The service and callback kind named in the path.
fn target(
    account: &Account,
    id: &str,
    kind: &str,
) -> Result<(ServiceId, CallbackKind), Box<Response>> {
    let service = service_id(account, id)?;
    let kind =
        CallbackKind::parse(kind).ok_or_else(|| Box::new(account.refused(&TeamError::NotFound)))?;
    Ok((service, kind))
}

struct Row {
    kind: &'static str,
    heading: Msg,
    url: Option<String>,
}

#[derive(Template)]
#[template(path = "callbacks/list.html")]
struct ListView {
    page: Page,
    base: String,
    banner: Option<String>,
    slow: bool,
    rows: Vec<Row>,
    csrf_token: String,
}

/// Both callbacks, set or not, and the banner of the last save or test.
async fn list(account: Account, Path(id): Path<String>) -> Response {
    let service = match service_id(&account, &id) {
        Ok(service) => service,
        Err(response) => return *response,
    };
    let configs = match account
        .ctx
        .state
        .app
        .service_callbacks(&account.user, service)
        .await
    {
        Ok(configs) => configs,
        Err(error) => return account.refused(&error),
    };
    let result = account.session().await.remove_data(RESULT_KEY);
    let number = |key: &str| {
        result
            .as_ref()
            .and_then(|r| r.get(key))
            .and_then(Value::as_u64)
    };
    let (banner, slow) = match (number("status"), number("ms")) {
        (Some(status), Some(ms)) => {
            let text = account.t1(Msg("callback-result"), "status", &status.to_string());
            (
                Some(format!(
                    "{text} {}",
                    account.t1(Msg("callback-result-time"), "ms", &ms.to_string())
                )),
                ms >= 1000,
            )
        }
        _ => (None, false),
    };
    let rows = CallbackKind::ALL
        .into_iter()
        .map(|kind| Row {
            kind: kind.as_str(),
            heading: heading(kind),
            url: configs
                .iter()
                .find(|c| c.kind == kind)
                .map(|c| c.url.clone()),
        })
        .collect();
    let view = ListView {
        page: account.page(Msg("api-callbacks-title"), Vec::new()),
        base: format!("/services/{service}/api/callbacks"),
        banner,
        slow,
        rows,
        csrf_token: account.csrf(),
    };
    page_response(false, &view)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CallbackInput {
    #[serde(default)]
    url: String,
    #[serde(default)]
    token: String,
}

fn form_page(
    account: &Account,
    service: ServiceId,
    kind: CallbackKind,
    url: &str,
    problems: Vec<Problem>,
) -> FormPage {
    let base = format!("/services/{service}/api/callbacks");
    let form = FormView::new(
        format!("{base}/{}", kind.as_str()),
        Msg("callback-save"),
        account.csrf(),
    )
    .field(
        Field::text("url", Msg("callback-url"), "url")
            .hint(Msg("callback-url-hint"))
            .value(url)
            .problems(&problems),
    )
    .field(
        Field::password("token", Msg("callback-token"), "off")
            .hint(Msg("callback-token-hint"))
            .problems(&problems),
    );
    FormPage::new(account.page(heading(kind), problems), form)
        .link(Link::new(base, Msg("api-callbacks-title")))
}

/// The form for one callback, with its saved URL (never its token).
async fn show(account: Account, Path((id, kind)): Path<(String, String)>) -> Response {
    let (service, kind) = match target(&account, &id, &kind) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let configs = match account
        .ctx
        .state
        .app
        .service_callbacks(&account.user, service)
        .await
    {
        Ok(configs) => configs,
        Err(error) => return account.refused(&error),
    };
    let url = configs
        .into_iter()
        .find(|c| c.kind == kind)
        .map(|c| c.url)
        .unwrap_or_default();
    page_response(false, &form_page(&account, service, kind, &url, Vec::new()))
}

/// Saves the callback once its receiver answers the check.
async fn submit(
    account: Account,
    Path((id, kind)): Path<(String, String)>,
    Form(input): Form<CallbackInput>,
) -> Response {
    let (service, kind) = match target(&account, &id, &kind) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let (url, token) = (input.url.trim(), input.token.trim());
    let mut problems = Vec::new();
    if url.is_empty() {
        problems.push(Problem::new("url", Msg("callback-error-url-missing")));
    }
    if token.is_empty() {
        problems.push(Problem::new("token", Msg("callback-error-token-missing")));
    }
    if problems.is_empty() {
        let app = &account.ctx.state.app;
        match app
            .save_service_callback(&account.user, service, kind, url, token, &probe(&account))
            .await
        {
            Ok((_, result)) => return saved(account, service, result).await,
            Err(TeamError::Callback(error)) => problems.push(callback_problem(&error)),
            Err(error) => return account.refused(&error),
        }
    }
    page_response(true, &form_page(&account, service, kind, url, problems))
}

/// Keeps the result for the list's banner, then goes there.
async fn saved(account: Account, service: ServiceId, result: CallbackTest) -> Response {
    let ms = u64::try_from(result.elapsed.as_millis()).unwrap_or(u64::MAX);
    account
        .session()
        .await
        .set_data(RESULT_KEY, json!({ "status": result.status, "ms": ms }));
    see_other(&format!("/services/{service}/api/callbacks"))
}

/// The field and message for what the use case refused.
fn callback_problem(error: &CallbackError) -> Problem {
    match error {
        CallbackError::TokenTooShort => Problem::new("token", Msg("callback-error-token-short")),
        CallbackError::NotHttps => Problem::new("url", Msg("callback-error-not-https")),
        CallbackError::InvalidUrl { .. } => Problem::new("url", Msg("callback-error-url-invalid")),
        _ => Problem::new("url", Msg("callback-error-no-answer")),
    }
}

/// Checks the saved receiver again; the result is the list's banner.
async fn test(account: Account, Path((id, kind)): Path<(String, String)>) -> Response {
    let (service, kind) = match target(&account, &id, &kind) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let app = &account.ctx.state.app;
    match app
        .test_service_callback(&account.user, service, kind, &probe(&account))
        .await
    {
        Ok(result) => saved(account, service, result).await,
        Err(TeamError::Callback(error)) => {
            let url = match app.service_callbacks(&account.user, service).await {
                Ok(configs) => configs
                    .into_iter()
                    .find(|c| c.kind == kind)
                    .map(|c| c.url)
                    .unwrap_or_default(),
                Err(error) => return account.refused(&error),
            };
            page_response(
                true,
                &form_page(
                    &account,
                    service,
                    kind,
                    &url,
                    vec![callback_problem(&error)],
                ),
            )
        }
        Err(error) => account.refused(&error),
    }
}

/// "Are you sure?" before removing a callback.
async fn show_remove(account: Account, Path((id, kind)): Path<(String, String)>) -> Response {
    let (service, kind) = match target(&account, &id, &kind) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    if let Err(error) = account
        .ctx
        .state
        .app
        .service_callbacks(&account.user, service)
        .await
    {
        return account.refused(&error);
    }
    let base = format!("/services/{service}/api/callbacks");
    let view = ConfirmView::new(
        &account,
        Msg("callback-remove-title"),
        account.t1(
            Msg("callback-remove-body"),
            "kind",
            &account
                .ctx
                .state
                .catalog
                .get(account.ctx.lang, heading(kind).id(), &[]),
        ),
        format!("{base}/{}/remove", kind.as_str()),
        base,
        Msg("callback-remove-submit"),
    );
    page_response(false, &view)
}

/// Removes the callback, then back to the list.
async fn submit_remove(account: Account, Path((id, kind)): Path<(String, String)>) -> Response {
    let (service, kind) = match target(&account, &id, &kind) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    match account
        .ctx
        .state
        .app
        .remove_service_callback(&account.user, service, kind)
        .await
    {
        Ok(()) | Err(TeamError::Callback(CallbackError::NotSet(_))) => {
            see_other(&format!("/services/{service}/api/callbacks"))
        }
        Err(error) => account.refused(&error),
    }
}
