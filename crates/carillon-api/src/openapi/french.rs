//! The French text of the OpenAPI document (GC Notify serves both languages): every title,
//! summary and description of the English document, translated. A test checks that none is
//! missing, so a new English text cannot ship untranslated.

use serde_json::Value;

/// Keys whose values are prose, in either language.
pub(super) const PROSE: &[&str] = &["title", "summary", "description"];

/// English text → French text.
const FRENCH: &[(&str, &str)] = &[
    (
        "Carillon API (GC Notify v2 compatible)",
        "API Carillon (compatible avec la v2 de GC Notify)",
    ),
    (
        "Send email and text messages from templates and track them. Compatible with GC Notify's API v2 and its client libraries.",
        "Envoyer des courriels et des messages texte à partir de gabarits et en suivre la livraison. Compatible avec l’API v2 de GC Notify et ses bibliothèques clientes.",
    ),
    (
        "`ApiKey-v1 gcntfy-<name>-<service id>-<secret>`",
        "`ApiKey-v1 gcntfy-<nom>-<id du service>-<secret>`",
    ),
    ("Success", "Succès"),
    ("Error", "Erreur"),
    ("Email address", "Adresse courriel"),
    (
        "Phone number; without a country code it is North American",
        "Numéro de téléphone; sans indicatif de pays, il est nord-américain",
    ),
    (
        "Placeholder values: strings, numbers, booleans or lists. Keys match placeholders ignoring case, spaces, `_` and `-`.",
        "Valeurs des variables : chaînes, nombres, booléens ou listes. Les clés correspondent aux variables sans tenir compte de la casse, des espaces, de `_` ni de `-`.",
    ),
    (
        "Your reference; must not hold personal information.",
        "Votre référence; elle ne doit contenir aucun renseignement personnel.",
    ),
    (
        "ISO 8601; up to 96 hours ahead.",
        "ISO 8601; au plus 96 heures à l’avance.",
    ),
    (
        "The job's name (its original file name).",
        "Le nom de l’envoi (le nom de son fichier d’origine).",
    ),
    (
        "The header row (recipient column `email address`/`adresse courriel` or `phone number`/`numéro de téléphone`, one column per placeholder, optional `reference`), then one row per recipient; at most 50,000 rows by default. Give `rows` or `csv`, not both.",
        "La ligne d’en-tête (colonne du destinataire `email address`/`adresse courriel` ou `phone number`/`numéro de téléphone`, une colonne par variable, `reference` facultative), puis une ligne par destinataire; au plus 50 000 lignes par défaut. Donnez `rows` ou `csv`, pas les deux.",
    ),
    ("The same as CSV text.", "La même chose, en texte CSV."),
    (
        "Email reply-to address or SMS sender.",
        "Adresse de réponse du courriel ou expéditeur du message texte.",
    ),
    (
        "Accepted and ignored, as in GC Notify.",
        "Accepté et ignoré, comme dans GC Notify.",
    ),
    (
        "Email: body, subject, from_email. SMS: body, from_number.",
        "Courriel : body, subject, from_email. Message texte : body, from_number.",
    ),
    ("Send an email", "Envoyer un courriel"),
    ("Send a text message", "Envoyer un message texte"),
    (
        "Send to many recipients from rows or CSV text: the whole file is checked first (every problem row listed), then sent as a job",
        "Envoyer à de nombreux destinataires à partir de lignes ou d’un texte CSV : tout le fichier est d’abord vérifié (chaque ligne fautive est signalée), puis envoyé en un seul envoi",
    ),
    (
        "List notifications, newest first, 250 at a time",
        "Lister les notifications, les plus récentes d’abord, 250 à la fois",
    ),
    ("Get one notification", "Obtenir une notification"),
    (
        "Get a template's latest version",
        "Obtenir la dernière version d’un gabarit",
    ),
    (
        "Get one version of a template",
        "Obtenir une version d’un gabarit",
    ),
    (
        "The version number; 0 means the latest version, as in GC Notify.",
        "Le numéro de version; 0 désigne la dernière version, comme dans GC Notify.",
    ),
    (
        "Render a template with personalisation",
        "Afficher un gabarit avec ses variables",
    ),
    (
        "List templates that are not archived",
        "Lister les gabarits qui ne sont pas archivés",
    ),
    (
        "Letters are not available: always 400 `Service is not allowed to send letters`",
        "Les lettres ne sont pas offertes : toujours 400 `Service is not allowed to send letters`",
    ),
    (
        "Received text messages (none: there is no inbound SMS)",
        "Messages texte reçus (aucun : il n’y a pas de réception de messages texte)",
    ),
    ("Health", "État du service"),
    (
        "Create a template (a key with manage_templates)",
        "Créer un gabarit (clé avec manage_templates)",
    ),
    (
        "List the template categories",
        "Lister les catégories de gabarits",
    ),
    (
        "Get a template with its category",
        "Obtenir un gabarit avec sa catégorie",
    ),
    (
        "Change a template (a new version)",
        "Modifier un gabarit (nouvelle version)",
    ),
    ("Archive a template", "Archiver un gabarit"),
];

/// The French for `english`, if there is one.
pub(super) fn french(english: &str) -> Option<&'static str> {
    FRENCH
        .iter()
        .find(|(en, _)| *en == english)
        .map(|(_, fr)| *fr)
}

/// Puts every prose value of `document` in French (a text without a translation stays).
pub(super) fn translate(document: &mut Value) {
    match document {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if PROSE.contains(&key.as_str()) => {
                        if let Some(fr) = french(text) {
                            *text = fr.to_owned();
                        }
                    }
                    other => translate(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(translate),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {}
    }
}
