//! The SMTP provider against aiosmtpd: what arrives (headers, both parts, the envelope), how
//! refusals and outages are classified, login, STARTTLS being required, and that a timed-out
//! session is never reused. TLS is in `smtp_tls`.

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::time::Duration;

use carillon_providers::{
    EmailMessage, EmailProvider, Gate, ProviderError, SecretString, SmtpProvider, SmtpSettings,
    SmtpTls,
};
use carillon_test_support::smtp::SmtpSink;
use mail_parser::MessageParser;

use crate::email;

/// Settings for the provider to reach `sink` in plain text.
fn settings(sink: &SmtpSink) -> SmtpSettings {
    SmtpSettings::new("127.0.0.1", SmtpTls::None)
        .unwrap()
        .with_port(sink.port)
        .with_timeout(Duration::from_secs(10))
}

fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

#[tokio::test]
async fn a_batch_arrives_with_its_headers_and_both_parts_over_pooled_sessions() {
    let Some(sink) = SmtpSink::start(&[]) else {
        return;
    };
    let provider = SmtpProvider::new(settings(&sink).with_pool_size(3)).unwrap();
    assert_eq!(provider.name(), "smtp");

    let mut french = email("marie.tremblay@example.ca");
    french.from_name = "Immigration, Réfugiés et Citoyenneté \"Canada\"\r\n".to_owned();
    french.from_address = "ircc@notification.canada.ca".to_owned();
    french.reply_to = Some("reponses@ircc.example.ca".to_owned());
    french.subject = "Votre demande a été reçue – dossier nº 42 ✅".to_owned();
    french.text = "Bonjour Marie,\n\nNous avons reçu votre demande.\nÀ bientôt !\n".to_owned();
    french.html = format!(
        "<html><body><p>Bonjour Marie,</p><p>Nous avons reçu votre demande « {} ».</p>\n<p>{}</p></body></html>",
        "ça",
        "très long paragraphe ".repeat(40)
    );
    let mut batch = vec![french];
    for n in 0..11 {
        let mut plain = email(&format!("person{n}@example.ca"));
        plain.subject = format!("Message {n}");
        batch.push(plain);
    }

    let results = provider.send_emails(&batch).await;
    assert_eq!(results.len(), batch.len());
    for (message, result) in batch.iter().zip(&results) {
        let accepted = result.as_ref().unwrap();
        let domain = message.from_address.split('@').nth(1).unwrap();
        assert_eq!(accepted.reference, format!("<{}@{domain}>", message.id));
        assert!(
            !accepted.delivered,
            "an SMTP relay only queues: status sending"
        );
    }

    let stored = sink.messages();
    assert_eq!(stored.len(), batch.len());
    let peers: BTreeSet<String> = stored
        .iter()
        .map(|s| s.meta["peer"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        peers.len() <= 3,
        "at most pool_size sessions, got {}",
        peers.len()
    );

    for message in &batch {
        let domain = message.from_address.split('@').nth(1).unwrap();
        let message_id = format!("{}@{domain}", message.id);
        let found = stored
            .iter()
            .find(|s| {
                MessageParser::default().parse(&s.raw).unwrap().message_id()
                    == Some(message_id.as_str())
            })
            .unwrap_or_else(|| panic!("no message with Message-ID {message_id}"));
        let parsed = MessageParser::default().parse(&found.raw).unwrap();
        let head = String::from_utf8_lossy(&found.raw);
        let head = head.split("\r\n\r\n").next().unwrap();
        assert!(head.is_ascii(), "headers must be 7-bit:\n{head}");
        assert!(
            head.contains("multipart/alternative"),
            "not multipart/alternative:\n{head}"
        );

        let from = parsed.from().unwrap().first().unwrap();
        assert_eq!(from.address(), Some(message.from_address.as_str()));
        let to = parsed.to().unwrap().first().unwrap();
        assert_eq!(to.address(), Some(message.to.as_str()));
        assert_eq!(
            parsed
                .reply_to()
                .and_then(|r| r.first())
                .and_then(|r| r.address()),
            message.reply_to.as_deref()
        );
        assert_eq!(parsed.subject(), Some(message.subject.as_str()));
        assert!(parsed.date().is_some(), "no Date header");
        assert_eq!((parsed.text_body_count(), parsed.html_body_count()), (1, 1));
        assert_eq!(lf(&parsed.body_text(0).unwrap()), lf(&message.text));
        assert_eq!(lf(&parsed.body_html(0).unwrap()), lf(&message.html));

        assert_eq!(found.meta["mail_from"], message.from_address.as_str());
        assert_eq!(found.meta["rcpt_tos"], serde_json::json!([message.to]));
    }

    let french = stored
        .iter()
        .map(|s| MessageParser::default().parse(&s.raw).unwrap())
        .find(|p| p.to().unwrap().first().unwrap().address() == Some("marie.tremblay@example.ca"))
        .unwrap();
    assert_eq!(
        french.from().unwrap().first().unwrap().name(),
        Some("Immigration, Réfugiés et Citoyenneté Canada"),
        "quotes and line breaks leave the display name"
    );
}

#[tokio::test]
async fn refusals_are_permanent_and_outages_transient() {
    let Some(sink) = SmtpSink::start(&[]) else {
        return;
    };
    let provider = SmtpProvider::new(settings(&sink)).unwrap();
    let batch: Vec<EmailMessage> = ["reject@example.ca", "tempfail@example.ca", "ok@example.ca"]
        .into_iter()
        .map(email)
        .collect();
    let results = provider.send_emails(&batch).await;
    match &results[0] {
        Err(ProviderError::Permanent(reason)) => assert!(reason.contains("550"), "{reason}"),
        other => panic!("550 must be permanent: {other:?}"),
    }
    match &results[1] {
        Err(ProviderError::Transient(reason)) => assert!(reason.contains("451"), "{reason}"),
        other => panic!("451 must be transient: {other:?}"),
    }
    assert!(results[2].is_ok(), "{:?}", results[2]);
    assert_eq!(sink.messages().len(), 1);

    // Nothing listens on a port that was just freed.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nobody = SmtpProvider::new(
        SmtpSettings::new("127.0.0.1", SmtpTls::None)
            .unwrap()
            .with_port(closed),
    )
    .unwrap();
    let results = nobody.send_emails(&[email("ok@example.ca")]).await;
    assert!(
        matches!(&results[0], Err(ProviderError::Transient(_))),
        "a refused connection must be transient: {results:?}"
    );
}

#[tokio::test]
async fn non_ascii_local_parts_go_through_smtputf8_relays_only() {
    let Some(sink) = SmtpSink::start(&["--smtputf8"]) else {
        return;
    };
    let provider = SmtpProvider::new(settings(&sink)).unwrap();
    let results = provider
        .send_emails(&[email("léa.bélanger@example.ca")])
        .await;
    assert!(results[0].is_ok(), "{results:?}");
    let stored = sink.messages();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].meta["rcpt_tos"][0], "léa.bélanger@example.ca");
    let raw = String::from_utf8_lossy(&stored[0].raw);
    assert!(raw.contains("léa.bélanger@example.ca"), "To header: {raw}");

    // A relay without SMTPUTF8 can never take the address: permanent, and the session (and
    // the other messages of the batch) are unaffected.
    let Some(plain) = SmtpSink::start(&[]) else {
        return;
    };
    let provider = SmtpProvider::new(settings(&plain)).unwrap();
    let results = provider
        .send_emails(&[email("léa@example.ca"), email("lea@example.ca")])
        .await;
    match &results[0] {
        Err(ProviderError::Permanent(reason)) => assert!(reason.contains("SMTPUTF8"), "{reason}"),
        other => panic!("must be permanent: {other:?}"),
    }
    assert!(results[1].is_ok(), "{results:?}");
    assert_eq!(plain.messages().len(), 1);
}

#[tokio::test]
async fn logs_in_with_the_configured_credentials() {
    let Some(sink) = SmtpSink::start(&["--auth", "carillon:s3cr3t"]) else {
        return;
    };
    let good = SmtpProvider::new(
        settings(&sink).with_credentials("carillon", SecretString::from("s3cr3t")),
    )
    .unwrap();
    let results = good.send_emails(&[email("ok@example.ca")]).await;
    assert!(results[0].is_ok(), "{results:?}");

    let bad = SmtpProvider::new(
        settings(&sink).with_credentials("carillon", SecretString::from("wrong")),
    )
    .unwrap();
    let results = bad.send_emails(&[email("ok@example.ca")]).await;
    match &results[0] {
        Err(ProviderError::Permanent(reason)) => {
            assert!(reason.contains("535"), "{reason}");
            assert!(!reason.contains("wrong"), "{reason}");
        }
        other => panic!("a refused login is permanent: {other:?}"),
    }
    assert!(!format!("{bad:?}").contains("wrong"));
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn starttls_is_required_never_skipped() {
    let Some(sink) = SmtpSink::start(&[]) else {
        return;
    };
    let settings = SmtpSettings::new("127.0.0.1", SmtpTls::StartTls)
        .unwrap()
        .with_port(sink.port);
    let provider = SmtpProvider::new(settings).unwrap();
    let results = provider.send_emails(&[email("ok@example.ca")]).await;
    assert!(
        matches!(&results[0], Err(ProviderError::Transient(reason)) if reason.contains("STARTTLS")),
        "{results:?}"
    );
    assert!(sink.messages().is_empty(), "sent in plain text");
}

#[tokio::test]
async fn a_timed_out_session_is_dropped_not_reused() {
    let Some(sink) = SmtpSink::start(&["--slow-seconds", "2"]) else {
        return;
    };
    let provider = SmtpProvider::new(
        settings(&sink)
            .with_pool_size(1)
            .with_timeout(Duration::from_millis(700)),
    )
    .unwrap();
    let results = provider.send_emails(&[email("slow@example.ca")]).await;
    match &results[0] {
        Err(ProviderError::Transient(reason)) => {
            assert!(reason.contains("did not finish"), "{reason}");
        }
        other => panic!("a timeout must be transient: {other:?}"),
    }
    // Had the session gone back to the pool, these would read the slow message's late reply.
    let batch = [email("reject@example.ca"), email("ok@example.ca")];
    let results = provider.send_emails(&batch).await;
    assert!(
        matches!(&results[0], Err(ProviderError::Permanent(reason)) if reason.contains("550")),
        "{results:?}"
    );
    assert_eq!(
        results[1].as_ref().unwrap().reference,
        format!("<{}@notification.example.ca>", batch[1].id)
    );
}

#[tokio::test]
async fn a_message_whose_turn_comes_after_the_gate_closes_is_not_sent() {
    let Some(sink) = SmtpSink::start(&["--slow-seconds", "1"]) else {
        return;
    };
    // One session: the others wait behind the slow message, past the gate.
    let provider = SmtpProvider::new(settings(&sink).with_pool_size(1)).unwrap();
    let batch = [
        email("slow@example.ca"),
        email("a@example.ca"),
        email("b@example.ca"),
    ];
    let gate = Gate::until(tokio::time::Instant::now() + Duration::from_millis(300));
    let results = provider.send_emails_through(&batch, &gate).await;
    assert!(matches!(results[0], Some(Ok(_))), "{results:?}");
    assert!(results[1..].iter().all(Option::is_none), "{results:?}");
    let sunk = sink.messages();
    assert_eq!(sunk.len(), 1, "only the first reached the relay");
    assert_eq!(sunk[0].meta["rcpt_tos"][0], "slow@example.ca");
}
