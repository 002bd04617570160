//! Render throughput: a 2 KB bilingual email with 5 placeholders and a list, and a 300-character
//! SMS. Targets: ≥ 100,000 email renders and ≥ 1,000,000 SMS renders per second per core.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use carillon_render::{EmailTemplate, Personalisation, SmsTemplate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const EMAIL_BODY: &str = "\
[[en]]
# Your benefit payment

Hello ((name)),

We have processed your application received on ((date)). Your **monthly payment** will be
deposited in the account you gave us. You will find the details in your online account.

You sent us these documents:

((documents))

^ Keep this email for your records. If anything changes, tell us within 30 days.

To see your payments, sign in at ((account link)) or call
1-800-622-6232 - Monday to Friday, 8:30 am to 4:30 pm.

If you receive a payment you are not entitled to, you will have to pay it back. Tell us
about changes to your marital status, address or banking information right away.

## What happens next

1. We review your file every year in April.
2. If your income changes, update it online so that your payments stay correct.
3. Your tax slip will be available in your account by the end of February.

Reference number: ((reference))
[[/en]]

---

[[fr]]
# Votre paiement de prestations

Bonjour ((name)),

Nous avons traité votre demande reçue le ((date)). Votre **paiement mensuel** sera déposé
dans le compte que vous nous avez indiqué. Vous trouverez les détails dans votre dossier.

Vous nous avez envoyé les documents suivants :

((documents))

^ Conservez ce courriel. Si votre situation change, avisez-nous dans les 30 jours.

Pour voir vos paiements, ouvrez une session sur https://www.canada.ca/fr/services/prestations.html
ou composez le 1-800-622-6232 – du lundi au vendredi, de 8 h 30 à 16 h 30.

Si vous recevez un paiement auquel vous n’avez pas droit, vous devrez le rembourser.
Avisez-nous sans tarder de tout changement d’état civil, d’adresse ou de compte bancaire.

## Prochaines étapes

1. Nous réexaminons votre dossier chaque année en avril.
2. Si votre revenu change, mettez-le à jour en ligne pour que vos paiements restent exacts.
3. Votre feuillet d’impôt sera disponible dans votre dossier d’ici la fin février.

Numéro de référence : ((reference))
[[/fr]]";

const SMS_BODY: &str = "((service)): Hello ((name)), your appointment on ((date)) at ((time)) \
is confirmed. Bring your passport and proof of address. To change or cancel it, reply CHANGE \
or visit canada.ca/appointments before noon the day before. Bonjour, votre rendez-vous est \
confirmé. Questions? Call 1-800-622-6232. Reference: ((reference)).";

fn email(c: &mut Criterion) {
    let template = EmailTemplate::parse("Payment for ((name)) – ((reference))", EMAIL_BODY)
        .expect("benchmark template parses");
    assert!(
        (1900..2300).contains(&EMAIL_BODY.len()),
        "template is about 2 KB"
    );
    assert_eq!(template.placeholders().len(), 5);
    let values = Personalisation::new()
        .with("name", "Marie-Ève O'Neil")
        .with("date", "October 12, 2026")
        .with("reference", "ABC-123-456")
        .with(
            "documents",
            vec!["passport".to_owned(), "bank statement".to_owned()],
        )
        .with(
            "account link",
            "https://www.canada.ca/en/services/benefits.html",
        );
    let mut group = c.benchmark_group("email");
    group.throughput(Throughput::Elements(1));
    group.bench_function("render_2kb_bilingual_html_text_preheader", |b| {
        b.iter(|| black_box(template.render(black_box(&values)).expect("renders")));
    });
    group.bench_function("parse_2kb_bilingual", |b| {
        b.iter(|| black_box(EmailTemplate::parse("s", black_box(EMAIL_BODY)).expect("parses")));
    });
    group.finish();
}

fn sms(c: &mut Criterion) {
    let template = SmsTemplate::parse(SMS_BODY).expect("benchmark SMS parses");
    let values = Personalisation::new()
        .with("service", "IRCC")
        .with("name", "Jean Tremblay")
        .with("date", "Dec 3")
        .with("time", "10:30")
        .with("reference", "X1Y2Z3");
    let rendered = template.render(&values, Some("IRCC")).expect("renders");
    assert!(
        (280..=320).contains(&rendered.body.chars().count()),
        "SMS is about 300 characters"
    );
    let mut group = c.benchmark_group("sms");
    group.throughput(Throughput::Elements(1));
    group.bench_function("render_300_chars", |b| {
        b.iter(|| {
            black_box(
                template
                    .render(black_box(&values), Some("IRCC"))
                    .expect("renders"),
            )
        });
    });
    group.finish();
}

criterion_group!(benches, email, sms);
criterion_main!(benches);
