//! Realistic bilingual government templates, rendered whole: what recipients would receive.

use crate::common::{readable, render, show, show_sms, values};
use carillon_render::{BannerOrder, Branding, Colour, EmailLayout, EmailTemplate, Language, Logo};

const PASSWORD_RESET: &str = "\
[[en]]
Hello ((name)),

We received a request to reset your password for ((service)).

Your security code is: **((code))**

^ The code expires in 30 minutes. If you did not ask for it, you can ignore this email.
[[/en]]

---

[[fr]]
Bonjour ((name)),

Nous avons reçu une demande de réinitialisation de votre mot de passe pour ((service)).

Votre code de sécurité est : **((code))**

^ Le code expire dans 30 minutes. Si vous n’avez rien demandé, ignorez ce courriel.
[[/fr]]";

const APPOINTMENT: &str = "\
# Appointment reminder

Hello ((first name)),

This is a reminder of your appointment:

* Date: ((date))
* Time: ((time))
* Place: ((office address))

((bring documents??You must bring these documents:))
((documents))

To change your appointment, go to [your account](((account link))) or call 1-800-622-6232 - Monday to Friday, 8:30 am to 4:30 pm.";

const BENEFIT_DECISION: &str = "\
[[fr]]
# Décision concernant votre demande

Bonjour ((nom)),

Nous avons examiné votre demande de prestations reçue le ((date de réception)).

((approuvé??## Votre demande est approuvée

Vos paiements commenceront bientôt.))

Montant mensuel : ((montant)) $

Nous avons tenu compte des documents suivants :

((documents))

1. Conservez ce courriel.
2. Consultez votre dossier en ligne : https://www.canada.ca/fr/services/prestations.html

Pour toute question, écrivez-nous à ((courriel de contact)).
[[/fr]]";

#[test]
fn password_reset_bilingual() {
    let email = render(
        "((service)) – security code / code de sécurité",
        PASSWORD_RESET,
        &[
            ("name", "Marie-Ève O'Neil"),
            ("service", "My Service Canada Account"),
            ("code", "481 516"),
        ],
    );
    insta::assert_snapshot!(show(&email));
}

#[test]
fn appointment_reminder_with_conditional_list() {
    let email = render(
        "Appointment reminder: ((date))",
        APPOINTMENT,
        &[
            ("first_name", "Jean"),
            ("date", "Tuesday, December 1"),
            ("time", "10:30 am"),
            ("office address", "300 Laurier Ave W, Ottawa"),
            ("bring documents", "yes"),
            ("documents", "your passport|proof of address"),
            ("account link", "https://example.canada.ca/account?id=42"),
        ],
    );
    insta::assert_snapshot!(show(&email));
}

#[test]
fn benefit_decision_in_french() {
    let email = render(
        "Décision : ((nom))",
        BENEFIT_DECISION,
        &[
            ("nom", "Léa Tremblay"),
            ("date de réception", "12 octobre 2026"),
            ("approuvé", "oui"),
            ("montant", "1 250,00"),
            (
                "documents",
                "formulaire ABC-123|relevé bancaire|preuve d’identité",
            ),
            ("courriel de contact", "prestations@example.gc.ca"),
        ],
    );
    assert_eq!(
        EmailTemplate::parse("x", BENEFIT_DECISION)
            .unwrap()
            .language(),
        Some(Language::French)
    );
    insta::assert_snapshot!(show(&email));
}

#[test]
fn full_html_for_every_branding() {
    let email = render(
        "Hello ((name))",
        PASSWORD_RESET,
        &[("name", "Ada"), ("service", "S"), ("code", "1")],
    );
    let logo = Logo {
        url: "https://assets.example.gc.ca/logo.png".to_owned(),
        alt_en: "Example Agency".to_owned(),
        alt_fr: "Agence exemple".to_owned(),
        background: Some(Colour::parse("#26374A").unwrap()),
    };
    let brandings = [
        ("none", Branding::None),
        (
            "goc_english_first",
            Branding::GovernmentOfCanada(BannerOrder::EnglishFirst),
        ),
        (
            "goc_french_first",
            Branding::GovernmentOfCanada(BannerOrder::FrenchFirst),
        ),
        ("logo", Branding::Logo(logo)),
    ];
    for (name, branding) in brandings {
        let layout = EmailLayout {
            branding: &branding,
            default_language: Language::French,
            rtl: false,
        };
        let html = email.full_html(&layout);
        // The template's first language block wins over the layout's default.
        assert!(html.contains("<html lang=\"en-CA\""), "{name}");
        insta::assert_snapshot!(format!("full_html_{name}"), readable(&html));
    }
}

#[test]
fn sms_in_french_stays_gsm_when_it_can() {
    insta::assert_snapshot!(show_sms(
        "Bonjour ((nom)), votre rendez-vous est confirmé pour le ((date)). Répondez « OUI » — merci !",
        &[("nom", "Zoé"), ("date", "2 déc.")],
        Some("Service Canada"),
    ));
}

#[test]
fn sms_in_french_with_unicode_characters() {
    insta::assert_snapshot!(show_sms(
        "Votre prochaine étape : présentez-vous à l’hôpital avec votre carte. Coût : 0 $.",
        &[],
        Some("Santé"),
    ));
}

#[test]
fn sms_in_inuktitut() {
    insta::assert_snapshot!(show_sms(
        "ᐊᐃ ((name))! ᐅᓪᓗᖓᓂ ((date)) ᑲᑎᒪᓂᐊᖅᑐᒍᑦ.",
        &[("name", "ᐊᓂ"), ("date", "ᑎᓯᐱᕆ 3")],
        None,
    ));
}

#[test]
fn sms_lists_read_as_prose() {
    insta::assert_snapshot!(show_sms(
        "Bring ((docs)) to your appointment.\r\nQuestions? Call us .",
        &[("docs", "passport|photo|proof of address")],
        Some("IRCC"),
    ));
}

#[test]
fn personalisation_keys_match_loosely() {
    let template = EmailTemplate::parse("((First Name))", "((first_name)) ((FIRST-NAME))").unwrap();
    assert_eq!(template.placeholders().len(), 1);
    let email = template.render(&values(&[("firstname", "Ada")])).unwrap();
    assert_eq!(email.subject, "Ada");
    assert_eq!(email.body, "Ada Ada");
}
