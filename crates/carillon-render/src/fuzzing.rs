//! Entry points shared by the `cargo fuzz` targets and the corpus replay test, so CI exercises
//! exactly what the fuzzer does. Not part of the supported API.

use crate::email::LINK_OPEN;
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
        let markup = only_known_tags(&rendered.html);
        assert!(markup.is_ok(), "{markup:?}");
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

/// Checks that every `<` of an HTML body fragment opens a tag the renderer writes itself, that
/// links carry only their style, `href` and `title`, and that no link is `javascript:`.
///
/// # Errors
/// What is out of place, with where it is.
pub fn only_known_tags(html: &str) -> Result<(), String> {
    const TAGS: [&str; 32] = [
        "p ",
        "/p>",
        "h2 ",
        "/h2>",
        "h3 ",
        "/h3>",
        "a ",
        "/a>",
        "br />",
        "strong>",
        "/strong>",
        "em>",
        "/em>",
        "ul ",
        "/ul>",
        "ol ",
        "/ol>",
        "li ",
        "/li>",
        "table ",
        "/table>",
        "blockquote ",
        "/blockquote>",
        "hr ",
        "tr>",
        "/tr>",
        "td ",
        "/td>",
        "div lang=\"",
        "div dir=\"rtl\">",
        "/div>",
        "!--",
    ];
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        if !TAGS.iter().any(|tag| rest.starts_with(tag)) {
            let end = (i + 40..=html.len())
                .find(|&e| html.is_char_boundary(e))
                .unwrap_or(html.len());
            return Err(format!("unexpected markup at {i}: {}", &html[i..end]));
        }
    }
    for (i, _) in html.match_indices("<a ") {
        let end = html[i..].find('>').map_or(html.len(), |end| i + end + 1);
        if !is_plain_link_tag(&html[i..end]) {
            return Err(format!(
                "link with unexpected attributes: {}",
                &html[i..end]
            ));
        }
    }
    if html.to_lowercase().contains("href=\"javascript") {
        return Err("javascript link".to_owned());
    }
    Ok(())
}

/// `<a style="…" href="…">`, optionally with a `title`, and no other attribute: nothing a value
/// holds (a `"` in a URL, say) can close the `href` and add one.
fn is_plain_link_tag(tag: &str) -> bool {
    let Some(rest) = tag.strip_prefix(LINK_OPEN) else {
        return false;
    };
    let Some((href, rest)) = rest.split_once('"') else {
        return false;
    };
    let plain = |value: &str, more: &[char]| !value.contains(['<', '>']) && !value.contains(more);
    match rest.strip_prefix(" title=\"") {
        None => rest == ">" && plain(href, &[' ']),
        Some(titled) => titled
            .strip_suffix("\">")
            .is_some_and(|title| plain(href, &[' ']) && plain(title, &['"'])),
    }
}
