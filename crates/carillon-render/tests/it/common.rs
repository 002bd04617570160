//! Helpers shared by the snapshot tests: render a template and show every output readably.

use carillon_render::{EmailTemplate, Personalisation, RenderedEmail, SmsTemplate};

/// Builds personalisation from pairs; a value containing `|` becomes a list.
pub(crate) fn values(pairs: &[(&str, &str)]) -> Personalisation {
    let mut p = Personalisation::new();
    for (key, value) in pairs {
        if value.contains('|') {
            p.insert(key, value.split('|').map(str::to_owned).collect::<Vec<_>>());
        } else {
            p.insert(key, *value);
        }
    }
    p
}

pub(crate) fn render(subject: &str, body: &str, pairs: &[(&str, &str)]) -> RenderedEmail {
    EmailTemplate::parse(subject, body)
        .unwrap()
        .render(&values(pairs))
        .unwrap()
}

/// Breaks HTML after block-level closing tags so snapshot diffs stay readable.
pub(crate) fn readable(html: &str) -> String {
    let mut out = html.to_owned();
    for tag in [
        "</p>",
        "</h2>",
        "</h3>",
        "</li>",
        "</table>",
        "</blockquote>",
        "</div>",
        "<hr",
    ] {
        out = out.replace(tag, &format!("{tag}\n"));
    }
    out.replace("\n<hr\n", "\n<hr").replace("<hr\n", "<hr")
}

/// Every output of an email, labelled.
pub(crate) fn show(email: &RenderedEmail) -> String {
    format!(
        "SUBJECT: {}\nPREHEADER: {}\n--- body (API)\n{}\n--- html\n{}\n--- text\n{}",
        email.subject,
        email.preheader,
        email.body,
        readable(&email.html),
        email.text
    )
}

/// Every output of an SMS, labelled.
pub(crate) fn show_sms(body: &str, pairs: &[(&str, &str)], prefix: Option<&str>) -> String {
    let sms = SmsTemplate::parse(body)
        .unwrap()
        .render(&values(pairs), prefix)
        .unwrap();
    format!(
        "ENCODING: {:?}, UNITS: {}, FRAGMENTS: {}\n--- body (API)\n{}\n--- sent\n{}",
        sms.encoding, sms.units, sms.fragments, sms.body, sms.content
    )
}
