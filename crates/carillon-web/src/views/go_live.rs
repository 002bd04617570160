//! Requesting to go live (A17): GC Notify's checklist (use case, a template, two managers,
//! the terms), the questions about the use, and the "being reviewed" state once sent. The
//! answers go with the request in one form, so nothing waits in the session.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use carillon_app::team::{ChecklistItem, GoLiveAnswers, GoLiveChecklist, TeamError};
use carillon_domain::ServiceId;

use crate::form::{Checkbox, Field, FormView, Msg, Problem};
use crate::page::Page;
use crate::views::member::{Member, failure, field, message, not_found, service_id};
use crate::views::{page_response, see_other};

/// Who the messages go to: the form's values and their labels.
const RECIPIENTS: [(&str, Msg); 3] = [
    ("internal", Msg("golive-recipients-internal")),
    ("partners", Msg("golive-recipients-partners")),
    ("public", Msg("golive-recipients-public")),
];

struct Item {
    label: Msg,
    state: Msg,
}

struct RecipientBox {
    value: &'static str,
    label: Msg,
    checked: bool,
}

#[derive(Template)]
#[template(path = "go_live/go_live.html")]
struct GoLiveView {
    page: Page,
    items: Vec<Item>,
    form: FormView,
    recipients: Vec<RecipientBox>,
    recipients_error: Option<Msg>,
    back_href: String,
}

fn state(item: ChecklistItem) -> Msg {
    match item {
        ChecklistItem::Done => Msg("golive-done"),
        ChecklistItem::InProgress => Msg("golive-in-progress"),
        ChecklistItem::NotDone => Msg("golive-not-done"),
    }
}

fn view(
    m: &Member,
    id: ServiceId,
    checklist: &GoLiveChecklist,
    typed: &[(String, String)],
    problems: Vec<Problem>,
) -> Response {
    let items = vec![
        Item {
            label: Msg("golive-item-use-case"),
            state: state(checklist.use_case),
        },
        Item {
            label: Msg("golive-item-templates"),
            state: state(checklist.templates),
        },
        Item {
            label: Msg("golive-item-team"),
            state: state(checklist.team),
        },
        Item {
            label: Msg("golive-item-terms"),
            state: state(checklist.terms),
        },
    ];
    let text = |id: &'static str, label: Msg| {
        Field::text(id, label, "off")
            .value(field(typed, id))
            .problems(&problems)
    };
    let form = FormView::new(
        format!("/services/{id}/go-live"),
        Msg("golive-submit"),
        m.ctx.csrf_token.clone(),
    )
    .field(text("organisation", Msg("golive-organisation")))
    .field(text("use_case", Msg("golive-use-case")).hint(Msg("golive-use-case-hint")))
    .field(text("daily_email", Msg("golive-daily-email")))
    .field(text("annual_email", Msg("golive-annual-email")))
    .field(text("daily_sms", Msg("golive-daily-sms")))
    .field(text("annual_sms", Msg("golive-annual-sms")))
    .checkbox(
        Checkbox::new(
            "terms",
            Msg("golive-terms"),
            !field(typed, "terms").is_empty(),
            &problems,
        )
        .terms_link(),
    );
    let recipients_error = problems
        .iter()
        .find(|p| p.field == "internal")
        .map(|p| p.message);
    let erred = !problems.is_empty();
    let page = GoLiveView {
        page: m.ctx.page(Msg("golive-title"), problems),
        items,
        form,
        recipients: RECIPIENTS
            .into_iter()
            .map(|(value, label)| RecipientBox {
                value,
                label,
                checked: typed.iter().any(|(k, v)| k == "recipients" && v == value),
            })
            .collect(),
        recipients_error,
        back_href: format!("/services/{id}/settings"),
    };
    page_response(erred, &page)
}

/// The answers in the form.
fn answers(typed: &[(String, String)]) -> GoLiveAnswers {
    let text = |id: &str| field(typed, id).trim().to_owned();
    GoLiveAnswers {
        organisation: text("organisation"),
        main_use_cases: Vec::new(),
        other_use_case: text("use_case"),
        intended_recipients: typed
            .iter()
            .filter(|(k, _)| k == "recipients")
            .map(|(_, v)| v.clone())
            .collect(),
        daily_email_volume: text("daily_email"),
        annual_email_volume: text("annual_email"),
        daily_sms_volume: text("daily_sms"),
        annual_sms_volume: text("annual_sms"),
    }
}

/// Every unanswered question, in the form's order.
fn unanswered(answers: &GoLiveAnswers) -> Vec<Problem> {
    let mut problems = Vec::new();
    let questions = [
        ("organisation", &answers.organisation),
        ("use_case", &answers.other_use_case),
        ("daily_email", &answers.daily_email_volume),
        ("annual_email", &answers.annual_email_volume),
        ("daily_sms", &answers.daily_sms_volume),
        ("annual_sms", &answers.annual_sms_volume),
    ];
    for (id, value) in questions {
        if value.is_empty() {
            problems.push(Problem::new(id, Msg("golive-error-answer")));
        }
    }
    if answers.intended_recipients.is_empty() {
        problems.push(Problem::new("internal", Msg("golive-error-recipients")));
    }
    problems
}

/// Where the service stands: live, being reviewed, or the checklist and form.
async fn page(
    m: &Member,
    id: ServiceId,
    typed: &[(String, String)],
    problems: Vec<Problem>,
) -> Response {
    let app = m.app();
    let service = match app.access(&m.user, id).await {
        Ok((service, _)) => service,
        Err(error) => return failure(&m.ctx, &error),
    };
    if !service.restricted {
        return message(
            &m.ctx,
            StatusCode::OK,
            Msg("golive-title"),
            Msg("settings-live"),
        );
    }
    match app.go_live_request(&m.user, id).await {
        Ok(Some(request)) if request.status.as_str() == "pending" => {
            return message(
                &m.ctx,
                StatusCode::OK,
                Msg("golive-title"),
                Msg("golive-under-review"),
            );
        }
        Ok(_) => {}
        Err(error) => return failure(&m.ctx, &error),
    }
    let given = answers(typed);
    let terms = !field(typed, "terms").is_empty();
    match app
        .go_live_checklist(&m.user, id, Some(&given), terms)
        .await
    {
        Ok(checklist) => view(m, id, &checklist, typed, problems),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// The checklist and the questions.
pub(crate) async fn show(m: Member, Path(id): Path<String>) -> Response {
    match service_id(&id) {
        Some(id) => page(&m, id, &[], Vec::new()).await,
        None => not_found(&m.ctx),
    }
}

/// Sends the request, or shows what is missing.
pub(crate) async fn submit(
    m: Member,
    Path(id): Path<String>,
    Form(typed): Form<Vec<(String, String)>>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let given = answers(&typed);
    let terms = !field(&typed, "terms").is_empty();
    let mut problems = unanswered(&given);
    if !terms {
        problems.push(Problem::new("terms", Msg("golive-error-terms")));
    }
    if !problems.is_empty() {
        return page(&m, id, &typed, problems).await;
    }
    match m.app().request_go_live(&m.user, id, &given, terms).await {
        Ok(_) => see_other(&format!("/services/{id}/settings?done=requested")),
        Err(TeamError::ChecklistIncomplete(checklist)) => {
            let mut problems = Vec::new();
            if checklist.templates != ChecklistItem::Done {
                problems.push(Problem::new("checklist", Msg("golive-error-templates")));
            }
            if checklist.team != ChecklistItem::Done {
                problems.push(Problem::new("checklist", Msg("golive-error-team")));
            }
            page(&m, id, &typed, problems).await
        }
        Err(error) => failure(&m.ctx, &error),
    }
}
