//! Your security keys (profile): the list, adding one (the WebAuthn ceremony runs in
//! `static/webauthn.js`; without JavaScript the page says it is needed), removing one behind a
//! confirmation, and going back to codes by email.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use carillon_app::accounts::{KeyRegistration, SecurityKeyError};
use carillon_app::team::TeamError;
use carillon_domain::{SecondFactor, SecurityKeyId};
use carillon_i18n::format_date_time;
use serde::Deserialize;

use crate::assets::webauthn_script_href;
use crate::form::{Field, Msg, Problem};
use crate::page::Page;
use crate::security::CSRF_FIELD;
use crate::state::WebState;
use crate::views::errors::{server_error, server_error_page};
use crate::views::profile::DoneQuery;
use crate::views::see_other;
use crate::views::signed_in::{Account, ConfirmView, no_store};

const PATH: &str = "/profile/security-keys";

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route(PATH, get(show).post(submit))
        .route("/profile/security-keys/use-email", post(use_email))
        .route(
            "/profile/security-keys/{id}/remove",
            get(show_remove).post(submit_remove),
        )
}

/// A key as listed.
struct KeyRow {
    id: String,
    name: String,
    added: String,
    last_used: Option<String>,
}

#[derive(Template)]
#[template(path = "profile/security_keys.html")]
struct SecurityKeysView {
    page: Page,
    banner: Option<Msg>,
    keys: Vec<KeyRow>,
    in_use: bool,
    /// The ceremony's options (JSON); `None` when keys cannot be used on this server.
    options: Option<String>,
    script: String,
    csrf_field: &'static str,
    csrf_token: String,
    field: Field,
}

/// The page with a new ceremony (each showing issues a new challenge).
async fn page(
    account: &Account,
    name: &str,
    problems: Vec<Problem>,
    banner: Option<Msg>,
) -> Response {
    let app = &account.ctx.state.app;
    let (listed, options) = {
        let mut session = account.session().await;
        let listed = app.security_keys(&session).await;
        (
            listed,
            app.begin_security_key_registration(&mut session).await,
        )
    };
    let options = match options {
        Ok(options) => Some(options),
        Err(SecurityKeyError::Unavailable) => None,
        Err(error) => return server_error_page(&account.ctx, &error),
    };
    let Ok(listed) = listed else {
        return server_error(&account.ctx.state);
    };
    let (lang, zone) = (account.ctx.lang, account.ctx.state.settings.zone);
    let keys = listed
        .into_iter()
        .map(|key| KeyRow {
            id: key.id.to_string(),
            name: key.name,
            added: format_date_time(lang, zone, key.created_at),
            last_used: key.last_used_at.map(|at| format_date_time(lang, zone, at)),
        })
        .collect();
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut page = account.page(Msg("security-keys-title"), problems.clone());
    page.nav = "profile";
    let view = SecurityKeysView {
        page,
        banner,
        keys,
        in_use: account.user.second_factor == SecondFactor::SecurityKey,
        options,
        script: webauthn_script_href(),
        csrf_field: CSRF_FIELD,
        csrf_token: account.csrf(),
        field: Field::text("name", Msg("security-keys-name"), "off")
            .hint(Msg("security-keys-name-hint"))
            .value(name)
            .problems(&problems),
    };
    no_store(status, &view)
}

async fn show(account: Account, Query(query): Query<DoneQuery>) -> Response {
    let banner = match query.done.as_deref() {
        Some("added") => Some(Msg("security-keys-added")),
        Some("removed") => Some(Msg("security-keys-removed")),
        Some("email") => Some(Msg("security-keys-email-codes")),
        _ => None,
    };
    page(&account, "", Vec::new(), banner).await
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct AddInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    client_data_json: String,
    #[serde(default)]
    attestation_object: String,
}

/// Checks the key's answer and stores the key.
async fn submit(account: Account, Form(input): Form<AddInput>) -> Response {
    let answer = KeyRegistration {
        name: input.name.clone(),
        client_data_json: input.client_data_json,
        attestation_object: input.attestation_object,
    };
    let finished = {
        let mut session = account.session().await;
        let app = &account.ctx.state.app;
        app.finish_security_key_registration(&mut session, &answer)
            .await
    };
    let problem = match finished {
        Ok(_) => return see_other("/profile/security-keys?done=added"),
        Err(SecurityKeyError::NameMissing) => {
            Problem::new("name", Msg("security-keys-error-name-missing"))
        }
        Err(SecurityKeyError::NameTooLong) => {
            Problem::new("name", Msg("security-keys-error-name-long"))
        }
        Err(SecurityKeyError::NoResponse) => {
            Problem::new("add-key", Msg("security-keys-error-no-javascript"))
        }
        Err(SecurityKeyError::NotStarted) => {
            Problem::new("add-key", Msg("security-keys-error-expired"))
        }
        Err(SecurityKeyError::Refused(error)) => {
            tracing::info!(%error, "a security key's registration was refused");
            Problem::new("add-key", Msg("security-keys-error-refused"))
        }
        Err(SecurityKeyError::AlreadyRegistered) => {
            Problem::new("add-key", Msg("security-keys-error-duplicate"))
        }
        Err(SecurityKeyError::Unavailable) => {
            Problem::new("add-key", Msg("security-keys-unavailable"))
        }
        Err(SecurityKeyError::NotSignedIn) => return see_other("/sign-in"),
        Err(error) => return server_error_page(&account.ctx, &error),
    };
    page(&account, &input.name, vec![problem], None).await
}

/// Codes by email become the second factor again.
async fn use_email(account: Account) -> Response {
    let done = {
        let mut session = account.session().await;
        account.ctx.state.app.use_email_codes(&mut session).await
    };
    match done {
        Ok(()) => see_other("/profile/security-keys?done=email"),
        Err(error) => server_error_page(&account.ctx, &error),
    }
}

/// The key's id when it is one of the user's (else the page is "not found").
async fn named(account: &Account, id: &str) -> Option<(SecurityKeyId, String)> {
    let id = SecurityKeyId::parse(id).ok()?;
    let keys = account
        .ctx
        .state
        .app
        .security_keys(&*account.session().await)
        .await
        .ok()?;
    keys.into_iter()
        .find(|key| key.id == id)
        .map(|key| (id, key.name))
}

async fn show_remove(account: Account, Path(id): Path<String>) -> Response {
    let Some((id, name)) = named(&account, &id).await else {
        return account.refused(&TeamError::NotFound);
    };
    let view = ConfirmView::new(
        &account,
        Msg("security-keys-remove-title"),
        account.t1(Msg("security-keys-remove-body"), "name", &name),
        format!("/profile/security-keys/{id}/remove"),
        PATH.to_owned(),
        Msg("security-keys-remove-submit"),
    );
    no_store(StatusCode::OK, &view)
}

async fn submit_remove(account: Account, Path(id): Path<String>) -> Response {
    let Ok(id) = SecurityKeyId::parse(&id) else {
        return account.refused(&TeamError::NotFound);
    };
    let removed = {
        let session = account.session().await;
        account
            .ctx
            .state
            .app
            .remove_security_key(&session, id)
            .await
    };
    match removed {
        Ok(()) => see_other("/profile/security-keys?done=removed"),
        Err(SecurityKeyError::NotFound) => account.refused(&TeamError::NotFound),
        Err(SecurityKeyError::LastKey) => {
            let problem = Problem::new("use-email-codes", Msg("security-keys-error-last-key"));
            page(&account, "", vec![problem], None).await
        }
        Err(error) => server_error_page(&account.ctx, &error),
    }
}
