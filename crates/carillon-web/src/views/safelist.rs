//! The safelist (A19): up to five email addresses and five phone numbers that team and
//! safelist keys may also send to. Clearing a field removes its entry; the use case checks
//! every entry before changing anything.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query};
use axum::response::Response;
use carillon_app::safelist::SafelistError;
use carillon_app::team::TeamError;
use carillon_domain::{NotificationType, SafelistEntry};
use serde::Deserialize;

use crate::form::{Field, FormView, Msg, Problem};
use crate::views::api_keys::service_id;
use crate::views::common::{FormPage, Link};
use crate::views::signed_in::Account;
use crate::views::{page_response, see_other};

/// The email address fields, in order.
const EMAILS: [&str; 5] = ["email-1", "email-2", "email-3", "email-4", "email-5"];
/// The phone number fields, in order.
const PHONES: [&str; 5] = ["phone-1", "phone-2", "phone-3", "phone-4", "phone-5"];

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// The form's values: field id to text.
type Values = HashMap<String, String>;

fn values_of(entries: &[SafelistEntry]) -> Values {
    let mut values = Values::new();
    for (ids, kind) in [
        (EMAILS, NotificationType::Email),
        (PHONES, NotificationType::Sms),
    ] {
        let of_kind = entries.iter().filter(|e| e.kind == kind);
        for (id, entry) in ids.iter().zip(of_kind) {
            values.insert((*id).to_owned(), entry.recipient.clone());
        }
    }
    values
}

fn form_page(account: &Account, action: &str, values: &Values, problems: Vec<Problem>) -> FormPage {
    let mut form = FormView::new(action, Msg("api-safelist-submit"), account.csrf());
    for (index, id) in EMAILS.iter().enumerate() {
        let label = if index == 0 {
            Msg("api-safelist-email")
        } else {
            Msg("api-safelist-email-another")
        };
        let value = values.get(*id).map_or("", String::as_str);
        form = form.field(Field::email(id, label).value(value).problems(&problems));
    }
    for (index, id) in PHONES.iter().enumerate() {
        let label = if index == 0 {
            Msg("api-safelist-phone")
        } else {
            Msg("api-safelist-phone-another")
        };
        let value = values.get(*id).map_or("", String::as_str);
        let mut field = Field::text(id, label, "tel")
            .value(value)
            .problems(&problems);
        field.kind = "tel";
        form = form.field(field);
    }
    let back = action.trim_end_matches("/safelist").to_owned();
    FormPage::new(account.page(Msg("api-safelist-title"), problems), form)
        .intro(Msg("api-safelist-intro"))
        .link(Link::new(back, Msg("api-hub-title")))
}

/// The safelist form, filled with the entries added by hand.
pub(crate) async fn show(
    account: Account,
    Path(id): Path<String>,
    Query(query): Query<SavedQuery>,
) -> Response {
    let service = match service_id(&account, &id) {
        Ok(service) => service,
        Err(response) => return *response,
    };
    let entries = match account
        .ctx
        .state
        .app
        .service_safelist(&account.user, service)
        .await
    {
        Ok(entries) => entries,
        Err(error) => return account.refused(&error),
    };
    let action = format!("/services/{service}/api/safelist");
    let mut page = form_page(&account, &action, &values_of(&entries), Vec::new());
    page.banner = query.saved.map(|_| Msg("api-safelist-saved"));
    page_response(false, &page)
}

/// Replaces the safelist with what was entered; an invalid entry is shown on its field.
pub(crate) async fn submit(
    account: Account,
    Path(id): Path<String>,
    Form(input): Form<Values>,
) -> Response {
    let service = match service_id(&account, &id) {
        Ok(service) => service,
        Err(response) => return *response,
    };
    let entered: Vec<String> = EMAILS
        .iter()
        .chain(PHONES.iter())
        .filter_map(|id| input.get(*id))
        .map(|text| text.trim().to_owned())
        .collect();
    let app = &account.ctx.state.app;
    let action = format!("/services/{service}/api/safelist");
    match app
        .set_service_safelist(&account.user, service, &entered)
        .await
    {
        Ok(_) => see_other(&format!("{action}?saved=1")),
        Err(TeamError::Safelist(SafelistError::InvalidRecipient(bad))) => {
            let problems = invalid_fields(&input, &bad);
            page_response(true, &form_page(&account, &action, &input, problems))
        }
        Err(error) => account.refused(&error),
    }
}

/// Every field holding the refused entry, with the message for its kind.
fn invalid_fields(input: &Values, bad: &str) -> Vec<Problem> {
    let holds = |id: &&&str| {
        input
            .get(**id)
            .is_some_and(|text| text.trim() == bad.trim())
    };
    let emails = EMAILS
        .iter()
        .filter(holds)
        .map(|id| Problem::new(id, Msg("api-safelist-error-email")));
    let phones = PHONES
        .iter()
        .filter(holds)
        .map(|id| Problem::new(id, Msg("api-safelist-error-phone")));
    emails.chain(phones).collect()
}
