//! Turns an [`EmailMessage`] into the bytes sent after `DATA`: `multipart/alternative` with the
//! plain-text part then the HTML part (UTF-8, in whichever of 7bit, quoted-printable or base64
//! lettre finds shortest), `From: "<service name>" <address>`, `To`, `Reply-To` when set,
//! `Subject`, `Date` and `Message-ID: <{notification id}@{From domain}>`, so a message sent twice
//! (a retry after a lost reply) can be recognised by whoever receives it. Non-ASCII names and
//! subjects are RFC 2047 encoded by lettre; line breaks are taken out first, so nothing a
//! service or a template author writes can add a header.

use lettre::Address;
use lettre::address::Envelope;
use lettre::message::{Mailbox, Message, MultiPart};

use crate::{EmailMessage, ProviderError};

/// A message ready for the SMTP session.
#[derive(Debug)]
pub(super) struct Prepared {
    pub(super) envelope: Envelope,
    pub(super) body: Vec<u8>,
    /// The `Message-ID` header's value, angle brackets included.
    pub(super) message_id: String,
}

/// A message as MIME bytes, for providers that take whole messages (Amazon SES's raw
/// content): exactly what the SMTP provider sends after `DATA`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEmail {
    pub bytes: Vec<u8>,
    /// The `Message-ID` header's value, angle brackets included.
    pub message_id: String,
}

/// Builds the MIME message for `message`.
///
/// # Errors
/// `Permanent` when an address cannot be parsed: the message can never be sent.
pub fn raw_email(message: &EmailMessage) -> Result<RawEmail, ProviderError> {
    let prepared = prepare(message)?;
    Ok(RawEmail {
        bytes: prepared.body,
        message_id: prepared.message_id,
    })
}

/// Builds the message; errors (bad addresses) are permanent: the message can never be sent.
pub(super) fn prepare(message: &EmailMessage) -> Result<Prepared, ProviderError> {
    let from_address: Address = message.from_address.trim().parse().map_err(|e| {
        ProviderError::Permanent(format!(
            "invalid From address {:?}: {e}",
            message.from_address
        ))
    })?;
    // Recipients' addresses are personal data: errors don't repeat them.
    let to: Address = message
        .to
        .trim()
        .parse()
        .map_err(|e| ProviderError::Permanent(format!("invalid recipient address: {e}")))?;
    let message_id = format!("<{}@{}>", message.id, from_address.domain());
    let name = display_name(&message.from_name);
    let from = Mailbox::new((!name.is_empty()).then_some(name), from_address);

    let mut builder = Message::builder()
        .message_id(Some(message_id.clone()))
        .date_now()
        .from(from)
        .to(Mailbox::new(None, to))
        .subject(one_line(&message.subject));
    if let Some(reply_to) = message
        .reply_to
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        let reply_to: Address = reply_to
            .parse()
            .map_err(|e| ProviderError::Permanent(format!("invalid Reply-To address: {e}")))?;
        builder = builder.reply_to(Mailbox::new(None, reply_to));
    }
    let built = builder
        .multipart(MultiPart::alternative_plain_html(
            message.text.clone(),
            message.html.clone(),
        ))
        .map_err(|e| ProviderError::Permanent(format!("cannot build the email: {e}")))?;
    Ok(Prepared {
        envelope: built.envelope().clone(),
        body: built.formatted(),
        message_id,
    })
}

/// The service's name as a display name: no quotes, backslashes or control characters (line
/// breaks included), whitespace collapsed.
fn display_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !matches!(c, '"' | '\\'))
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A subject on one line: each line break (with the spaces around it) becomes one space, and
/// other control characters go.
fn one_line(subject: &str) -> String {
    subject
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use carillon_domain::{NotificationId, ServiceId};

    use super::*;

    fn email() -> EmailMessage {
        EmailMessage {
            id: NotificationId::new(),
            service_id: ServiceId::new(),
            to: "someone@example.ca".to_owned(),
            from_name: "Service \"Canada\"\r\nBcc: evil@x.ca".to_owned(),
            from_address: "service@notification.canada.ca".to_owned(),
            reply_to: None,
            subject: "Hello\r\nBcc: evil@x.ca".to_owned(),
            html: "<p>Hi</p>".to_owned(),
            text: "Hi".to_owned(),
        }
    }

    #[test]
    fn names_and_subjects_cannot_add_headers() {
        assert_eq!(
            display_name("Service \"Canada\"\r\nBcc: evil@x.ca"),
            "Service Canada Bcc: evil@x.ca"
        );
        assert_eq!(one_line(" Hello \r\n  wor\u{7}ld\n!"), "Hello world !");
        let prepared = prepare(&email()).unwrap();
        let text = String::from_utf8(prepared.body).unwrap();
        assert!(
            !text.lines().any(|l| l.starts_with("Bcc")),
            "a header was injected:\n{text}"
        );
        assert_eq!(prepared.envelope.to().len(), 1);
    }

    #[test]
    fn names_with_specials_survive() {
        let mut message = email();
        message.from_name = "Canada, Government of (Tests) <x>".to_owned();
        let body = prepare(&message).unwrap().body;
        let parsed = mail_parser::MessageParser::default().parse(&body).unwrap();
        let from = parsed.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("Canada, Government of (Tests) <x>"));
        assert_eq!(from.address(), Some("service@notification.canada.ca"));
    }

    #[test]
    fn message_id_uses_the_notification_id_and_from_domain() {
        let message = email();
        let prepared = prepare(&message).unwrap();
        assert_eq!(
            prepared.message_id,
            format!("<{}@notification.canada.ca>", message.id)
        );
    }

    #[test]
    fn bad_addresses_are_permanent_and_recipients_are_not_repeated() {
        let mut bad_to = email();
        bad_to.to = "not an address".to_owned();
        let Err(ProviderError::Permanent(reason)) = prepare(&bad_to) else {
            panic!("a bad recipient must be permanent");
        };
        assert!(!reason.contains("not an address"), "{reason}");

        let mut bad_from = email();
        bad_from.from_address = "nobody".to_owned();
        assert!(matches!(
            prepare(&bad_from),
            Err(ProviderError::Permanent(_))
        ));

        let mut bad_reply = email();
        bad_reply.reply_to = Some("x@".to_owned());
        assert!(matches!(
            prepare(&bad_reply),
            Err(ProviderError::Permanent(_))
        ));
    }
}
