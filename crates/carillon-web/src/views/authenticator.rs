//! Setting up an authenticator app from the profile: a QR code drawn on the server as SVG (no
//! script), the secret as text for those who cannot scan it, and a code to confirm.

use askama::Template;
use axum::Form;
use axum::response::Response;
use carillon_app::accounts::TotpSetupError;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::form::{Field, Msg, Problem};
use crate::page::Page;
use crate::security::CSRF_FIELD;
use crate::views::errors::server_error;
use crate::views::see_other;
use crate::views::signed_in::{Account, no_store};

/// The session data key holding what the page shows while the setup awaits its code.
const SHOWN_KEY: &str = "authenticator_shown";

#[derive(Template)]
#[template(path = "profile/authenticator.html")]
struct AuthenticatorView {
    page: Page,
    /// The QR code, an `<svg>` element made here from the `otpauth:` URI.
    qr: String,
    /// The secret in groups of four characters, easier to type.
    secret: String,
    csrf_field: &'static str,
    csrf_token: String,
    field: Field,
}

/// The QR code of `uri` as an inline `<svg>`, without the XML declaration.
fn qr_svg(uri: &str) -> Option<String> {
    let code = QrCode::new(uri.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    let start = image.find("<svg")?;
    Some(image[start..].replacen(
        "<svg",
        "<svg role=\"img\" aria-hidden=\"true\" focusable=\"false\"",
        1,
    ))
}

fn grouped(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn view(
    account: &Account,
    uri: &str,
    secret: &str,
    problems: Vec<Problem>,
) -> Option<AuthenticatorView> {
    Some(AuthenticatorView {
        qr: qr_svg(uri)?,
        secret: grouped(secret),
        csrf_field: CSRF_FIELD,
        csrf_token: account.csrf(),
        field: Field::code("code", Msg("totp-label"))
            .hint(Msg("totp-hint"))
            .problems(&problems),
        page: account.page(Msg("profile-authenticator-title"), problems),
    })
}

/// Starts a setup (a new secret each time) and shows it.
pub(crate) async fn show(account: Account) -> Response {
    let begun = {
        let mut session = account.session().await;
        let begun = account.ctx.state.app.begin_totp_setup(&mut session).await;
        if let Ok(setup) = &begun {
            session.set_data(SHOWN_KEY, json!({ "uri": setup.uri }));
        }
        begun
    };
    let Ok(setup) = begun else {
        return server_error(&account.ctx.state);
    };
    let Some(page) = view(&account, &setup.uri, &setup.secret, Vec::new()) else {
        return server_error(&account.ctx.state);
    };
    no_store(axum::http::StatusCode::OK, &page)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CodeInput {
    #[serde(default)]
    code: String,
}

/// Confirms the setup with a code from the app; a wrong code shows the same QR code again.
pub(crate) async fn submit(account: Account, Form(input): Form<CodeInput>) -> Response {
    let code: String = input.code.chars().filter(|c| !c.is_whitespace()).collect();
    let problem = if code.is_empty() {
        Problem::new("code", Msg("totp-error-missing"))
    } else {
        let confirmed = {
            let mut session = account.session().await;
            let confirmed = account
                .ctx
                .state
                .app
                .confirm_totp_setup(&mut session, &code)
                .await;
            if confirmed.is_ok() {
                session.remove_data(SHOWN_KEY);
            }
            confirmed
        };
        match confirmed {
            Ok(()) => return see_other("/profile?done=authenticator"),
            Err(TotpSetupError::Incorrect) => {
                Problem::new("code", Msg("profile-error-code-incorrect"))
            }
            Err(TotpSetupError::NotStarted) => return see_other("/profile/authenticator"),
            Err(_) => return server_error(&account.ctx.state),
        }
    };
    let uri = account
        .session()
        .await
        .data(SHOWN_KEY)
        .and_then(|v| v.get("uri"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let secret = uri.as_deref().and_then(secret_of);
    match (uri, secret) {
        (Some(uri), Some(secret)) => match view(&account, &uri, &secret, vec![problem]) {
            Some(page) => no_store(axum::http::StatusCode::BAD_REQUEST, &page),
            None => server_error(&account.ctx.state),
        },
        _ => see_other("/profile/authenticator"),
    }
}

/// The `secret` parameter of an `otpauth:` URI.
fn secret_of(uri: &str) -> Option<String> {
    let query = uri.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "secret")
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_qr_code_is_an_svg_element_and_the_secret_is_grouped() {
        let svg =
            qr_svg("otpauth://totp/Carillon:a%40b.ca?secret=JBSWY3DPEHPK3PXP&issuer=Carillon")
                .unwrap();
        assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
        assert!(svg.contains("<path") || svg.contains("<rect"), "{svg}");
        assert!(!svg.contains("<?xml"));
        // The content security policy refuses inline styles.
        assert!(!svg.contains("style="), "{svg}");
        assert_eq!(grouped("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
        assert_eq!(
            secret_of("otpauth://totp/x?secret=ABC&issuer=C").as_deref(),
            Some("ABC")
        );
    }
}
