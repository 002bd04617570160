//! Your profile: name, email address (changed through a link sent to the new address),
//! password, the authenticator app (see `authenticator`), security keys (see `security_keys`)
//! and signing out everywhere.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::get;
use carillon_app::accounts::{
    AuthAction, CHANGE_EMAIL_PATH, EmailChangeError, PasswordProblem, SignInError, check_password,
};
use carillon_domain::SecondFactor;
use serde::Deserialize;

use crate::context::Ctx;
use crate::form::{Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::state::WebState;
use crate::views::common::{FormPage, Link, MessagePage};
use crate::views::errors::{server_error, too_many};
use crate::views::signed_in::{Account, ConfirmView};
use crate::views::{authenticator, page_response, see_other};

pub(crate) fn routes() -> Router<WebState> {
    Router::new()
        .route("/profile", get(summary))
        .route("/profile/name", get(show_name).post(submit_name))
        .route("/profile/email", get(show_email).post(submit_email))
        .route("/profile/email/check", get(email_check))
        .route(
            &format!("{CHANGE_EMAIL_PATH}/{{token}}"),
            get(show_confirm_email).post(submit_confirm_email),
        )
        .route(
            "/profile/password",
            get(show_password).post(submit_password),
        )
        .route(
            "/profile/authenticator",
            get(authenticator::show).post(authenticator::submit),
        )
        .route(
            "/profile/sign-out-everywhere",
            get(show_sign_out_everywhere).post(submit_sign_out_everywhere),
        )
}

#[derive(Template)]
#[template(path = "profile/summary.html")]
struct SummaryView {
    page: Page,
    banner: Option<Msg>,
    name: String,
    email: String,
    authenticator: bool,
    security_keys: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    pub(crate) done: Option<String>,
}

/// The profile's rows, with a banner for what was just changed.
async fn summary(account: Account, Query(query): Query<DoneQuery>) -> Response {
    let banner = match query.done.as_deref() {
        Some("name") => Some(Msg("profile-name-saved")),
        Some("password") => Some(Msg("profile-password-saved")),
        Some("authenticator") => Some(Msg("profile-authenticator-saved")),
        _ => None,
    };
    let mut page = account.page(Msg("profile-title"), Vec::new());
    page.nav = "profile";
    let view = SummaryView {
        page,
        banner,
        name: account.user.name.clone(),
        email: account.user.email.as_str().to_owned(),
        authenticator: account.user.second_factor == SecondFactor::Totp,
        security_keys: account.user.second_factor == SecondFactor::SecurityKey,
    };
    page_response(false, &view)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NameInput {
    #[serde(default)]
    name: String,
}

fn name_page(account: &Account, name: &str, problems: Vec<Problem>) -> FormPage {
    let form = FormView::new("/profile/name", Msg("profile-save"), account.csrf()).field(
        Field::text("name", Msg("profile-name"), "name")
            .value(name)
            .problems(&problems),
    );
    FormPage::new(account.page(Msg("profile-name-title"), problems), form)
        .link(Link::new("/profile", Msg("profile-back")))
}

async fn show_name(account: Account) -> Response {
    let name = account.user.name.clone();
    page_response(false, &name_page(&account, &name, Vec::new()))
}

async fn submit_name(account: Account, Form(input): Form<NameInput>) -> Response {
    let app = &account.ctx.state.app;
    let changed = app
        .change_name(&mut *account.session().await, &input.name)
        .await;
    match changed {
        Ok(Some(_)) => see_other("/profile?done=name"),
        Ok(None) => {
            let problems = vec![Problem::new("name", Msg("profile-error-name-missing"))];
            page_response(true, &name_page(&account, &input.name, problems))
        }
        Err(_) => server_error(&account.ctx.state),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct EmailInput {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn email_page(account: &Account, email: &str, problems: Vec<Problem>) -> FormPage {
    let form = FormView::new(
        "/profile/email",
        Msg("profile-email-submit"),
        account.csrf(),
    )
    .field(
        Field::email("email", Msg("profile-email-new"))
            .value(email)
            .problems(&problems),
    )
    .field(
        Field::password(
            "password",
            Msg("profile-password-current"),
            "current-password",
        )
        .problems(&problems),
    );
    FormPage::new(account.page(Msg("profile-email-title"), problems), form)
        .intro(Msg("profile-email-intro"))
        .link(Link::new("/profile", Msg("profile-back")))
}

async fn show_email(account: Account) -> Response {
    page_response(false, &email_page(&account, "", Vec::new()))
}

/// Sends the link to the new address after checking the password again.
async fn submit_email(account: Account, Form(input): Form<EmailInput>) -> Response {
    // It sends an email: limited per client like the other pages that do.
    if !account.ctx.allowed(AuthAction::Email) {
        return too_many(&account.ctx);
    }
    let app = &account.ctx.state.app;
    let problem = match app
        .request_email_change(&*account.session().await, &input.email, &input.password)
        .await
    {
        Ok(()) => return see_other("/profile/email/check"),
        Err(EmailChangeError::InvalidEmail) => {
            Problem::new("email", Msg("profile-error-email-invalid"))
        }
        Err(EmailChangeError::NotGovernmentEmail) => {
            Problem::new("email", Msg("profile-error-email-government"))
        }
        Err(EmailChangeError::IncorrectPassword) => {
            Problem::new("password", Msg("profile-error-password-incorrect"))
        }
        Err(EmailChangeError::Locked) => Problem::new("password", Msg("profile-error-locked")),
        Err(_) => return server_error(&account.ctx.state),
    };
    page_response(true, &email_page(&account, &input.email, vec![problem]))
}

async fn email_check(account: Account) -> Response {
    let view = MessagePage::new(
        account.page(Msg("check-email-title"), Vec::new()),
        vec![Msg("profile-email-check-body"), Msg("check-email-junk")],
    )
    .link(Link::new("/profile", Msg("profile-back")));
    page_response(false, &view)
}

/// The link from the email: a button, so a mail scanner fetching the link changes nothing.
async fn show_confirm_email(ctx: Ctx, Path(token): Path<String>) -> Response {
    let action = format!(
        "{CHANGE_EMAIL_PATH}/{}",
        form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
    );
    let form = FormView::new(
        action,
        Msg("profile-email-confirm-submit"),
        ctx.csrf_token.clone(),
    );
    page_response(
        false,
        &FormPage::new(
            ctx.page(Msg("profile-email-confirm-title"), Vec::new()),
            form,
        ),
    )
}

async fn submit_confirm_email(ctx: Ctx, Path(token): Path<String>) -> Response {
    let (heading, body) = match ctx.state.app.confirm_email_change(&token).await {
        Ok(_) => (
            Msg("profile-email-changed-title"),
            Msg("profile-email-changed-body"),
        ),
        Err(_) => (
            Msg("profile-email-link-title"),
            Msg("profile-email-link-body"),
        ),
    };
    let view = MessagePage::new(ctx.page(heading, Vec::new()), vec![body])
        .link(Link::new("/profile", Msg("profile-back")));
    page_response(false, &view)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PasswordInput {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

fn password_page(account: &Account, problems: Vec<Problem>) -> FormPage {
    let form = FormView::new("/profile/password", Msg("profile-save"), account.csrf())
        .field(
            Field::password(
                "current",
                Msg("profile-password-current"),
                "current-password",
            )
            .problems(&problems),
        )
        .field(
            Field::password("password", Msg("new-password-label"), "new-password")
                .hint(Msg("register-password-hint"))
                .problems(&problems),
        );
    FormPage::new(account.page(Msg("profile-password-title"), problems), form)
        .intro(Msg("profile-password-intro"))
        .link(Link::new("/profile", Msg("profile-back")))
}

async fn show_password(account: Account) -> Response {
    page_response(false, &password_page(&account, Vec::new()))
}

/// Checks the new password, then changes it; other sessions end, this one gets a new id.
async fn submit_password(account: Account, Form(input): Form<PasswordInput>) -> Response {
    let mut problems = Vec::new();
    if input.current.is_empty() {
        problems.push(Problem::new(
            "current",
            Msg("sign-in-error-password-missing"),
        ));
    }
    match check_password(&input.password) {
        Ok(()) => {}
        Err(PasswordProblem::TooShort) => problems.push(Problem::new(
            "password",
            Msg("register-error-password-short"),
        )),
        Err(PasswordProblem::TooLong) => problems.push(Problem::new(
            "password",
            Msg("register-error-password-long"),
        )),
        Err(_) => problems.push(Problem::new(
            "password",
            Msg("profile-error-password-common"),
        )),
    }
    if problems.is_empty() {
        let app = &account.ctx.state.app;
        let changed = app
            .change_password(
                &mut *account.session().await,
                &input.current,
                &input.password,
            )
            .await;
        match changed {
            Ok(()) => return see_other("/profile?done=password"),
            Err(SignInError::Incorrect) => problems.push(Problem::new(
                "current",
                Msg("profile-error-password-incorrect"),
            )),
            Err(SignInError::Locked) => {
                problems.push(Problem::new("current", Msg("profile-error-locked")))
            }
            Err(_) => return server_error(&account.ctx.state),
        }
    }
    page_response(true, &password_page(&account, problems))
}

async fn show_sign_out_everywhere(account: Account) -> Response {
    let body = account.t1(
        Msg("profile-sign-out-everywhere-body"),
        "name",
        &account.user.name,
    );
    let view = ConfirmView::new(
        &account,
        Msg("profile-sign-out-everywhere-title"),
        body,
        "/profile/sign-out-everywhere".to_owned(),
        "/profile".to_owned(),
        Msg("profile-sign-out-everywhere-submit"),
    );
    page_response(false, &view)
}

/// Ends every session of the person: this one first (so the session middleware does not store
/// it again), then the others.
async fn submit_sign_out_everywhere(account: Account) -> Response {
    let app = &account.ctx.state.app;
    if app.sign_out(&mut *account.session().await).await.is_err() {
        return server_error(&account.ctx.state);
    }
    match account
        .ctx
        .state
        .app
        .sign_out_everywhere(account.user.id)
        .await
    {
        Ok(_) => see_other("/sign-in?signed_out=1"),
        Err(_) => server_error(&account.ctx.state),
    }
}
