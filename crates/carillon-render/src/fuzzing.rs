//! Entry points shared by the `cargo fuzz` targets and the corpus replay test, so CI exercises
//! exactly what the fuzzer does. Not part of the supported API.

use crate::{Branding, EmailLayout, EmailTemplate, Language, Personalisation, SmsTemplate};

/// Parses and renders arbitrary input as an email and an SMS template, checking invariants.
///
/// Input layout: `subject \0 body \0 values`, where `values` lines are used in turn as the
/// placeholders' values; a value holding `|` becomes a list.
///
/// # Panics
/// When an invariant does not hold: that is what the fuzzer looks for.
pub fn template(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let subject = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default();
    let pool: Vec<&str> = parts.next().unwrap_or_default().lines().collect();

    let Ok(email) = EmailTemplate::parse(subject, body) else {
        return;
    };
    let mut personalisation = Personalisation::new();
    for (n, placeholder) in email.placeholders().iter().enumerate() {
        let value = pool
            .get(n % pool.len().max(1))
            .copied()
            .unwrap_or("<script>x</script>");
        if value.contains('|') {
            let items: Vec<String> = value.split('|').map(str::to_owned).collect();
            personalisation.insert(&placeholder.name, items);
        } else {
            personalisation.insert(&placeholder.name, value);
        }
    }
    if let Ok(rendered) = email.render(&personalisation) {
        let layout = EmailLayout {
            branding: &Branding::None,
            default_language: Language::French,
            rtl: false,
        };
        for html in [rendered.html.as_str(), rendered.full_html(&layout).as_str()] {
            let lower = html.to_lowercase();
            assert!(!lower.contains("<script"), "markup injected: {html}");
            assert!(!lower.contains("href=\"javascript"), "unsafe link: {html}");
        }
        assert!(rendered.preheader.chars().count() <= 256);
        assert!(rendered.text.ends_with('\n'));
    }

    if let Ok(sms) = SmsTemplate::parse(body)
        && let Ok(message) = sms.render(&personalisation, Some(subject))
    {
        assert!(message.units <= crate::SMS_CHAR_COUNT_LIMIT);
        assert!(message.fragments >= 1);
    }
}
