//! The SMTP provider's TLS against aiosmtpd with a test CA: STARTTLS and implicit TLS refuse a
//! certificate from a CA nobody trusts, and deliver once the CA is trusted.

use std::process::Command;

use carillon_providers::{EmailProvider, ProviderError, SmtpProvider, SmtpSettings, SmtpTls};
use carillon_test_support::smtp::SmtpSink;
use tempfile::TempDir;

use crate::email;

/// A CA and a certificate it issued for 127.0.0.1 and localhost, as PEM files in a directory.
struct TestPki {
    dir: TempDir,
}

impl TestPki {
    fn new() -> Self {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "Carillon test CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&ca_key).unwrap();

        let key = KeyPair::generate().unwrap();
        let mut leaf =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_cert = leaf
            .signed_by(&key, &Issuer::from_params(&ca, &ca_key))
            .unwrap();

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca_cert.pem()).unwrap();
        std::fs::write(dir.path().join("cert.pem"), leaf_cert.pem()).unwrap();
        std::fs::write(dir.path().join("key.pem"), key.serialize_pem()).unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }

    fn sink(&self, implicit: bool) -> Option<SmtpSink> {
        let (cert, key) = (self.path("cert.pem"), self.path("key.pem"));
        let mut args = vec!["--tls-cert", &cert, "--tls-key", &key];
        if implicit {
            args.push("--implicit-tls");
        }
        SmtpSink::start(&args)
    }
}

const TLS_PORTS_VAR: &str = "CARILLON_TEST_SMTP_TLS_PORTS";

#[tokio::test]
async fn tls_sessions_check_the_relay_certificate() {
    let pki = TestPki::new();
    let Some(starttls) = pki.sink(false) else {
        return;
    };
    let Some(implicit) = pki.sink(true) else {
        return;
    };
    let provider = |tls, port| {
        SmtpProvider::new(SmtpSettings::new("127.0.0.1", tls).unwrap().with_port(port)).unwrap()
    };

    // Issued by a CA this process does not trust: refused, and nothing sent.
    for (tls, port) in [
        (SmtpTls::StartTls, starttls.port),
        (SmtpTls::Implicit, implicit.port),
    ] {
        let results = provider(tls, port)
            .send_emails(&[email("ok@example.ca")])
            .await;
        assert!(
            matches!(&results[0], Err(ProviderError::Transient(reason)) if reason.contains("certificate")),
            "{tls:?}: {results:?}"
        );
    }
    assert!(starttls.messages().is_empty() && implicit.messages().is_empty());

    // Trusted through SSL_CERT_FILE, which the platform verifier reads on Linux: the same test
    // binary, in a process of its own (changing this process's environment is unsafe).
    let run = Command::new(std::env::current_exe().unwrap())
        .args([
            "smtp_tls::tls_with_a_trusted_ca",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env("SSL_CERT_FILE", pki.path("ca.pem"))
        .env(
            TLS_PORTS_VAR,
            format!("{},{}", starttls.port, implicit.port),
        )
        .output()
        .unwrap();
    assert!(
        run.status.success() && String::from_utf8_lossy(&run.stdout).contains("1 passed"),
        "the trusted-CA run failed ({}):\n{}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        starttls.messages().len(),
        1,
        "nothing arrived over STARTTLS"
    );
    assert_eq!(implicit.messages().len(), 1, "nothing arrived over TLS");
}

#[tokio::test]
#[ignore = "run by tls_sessions_check_the_relay_certificate, with SSL_CERT_FILE set"]
async fn tls_with_a_trusted_ca() {
    let ports = std::env::var(TLS_PORTS_VAR).expect("started by another test");
    let (starttls, implicit) = ports.split_once(',').unwrap();
    for (tls, port) in [
        (SmtpTls::StartTls, starttls.parse().unwrap()),
        (SmtpTls::Implicit, implicit.parse().unwrap()),
    ] {
        let provider =
            SmtpProvider::new(SmtpSettings::new("127.0.0.1", tls).unwrap().with_port(port))
                .unwrap();
        let results = provider.send_emails(&[email("ok@example.ca")]).await;
        assert!(results[0].is_ok(), "{tls:?}: {results:?}");
    }
}
