//! GC Notify API key strings.

use carillon_crypto::api_key::{
    KeyFormatError, MIN_KEY_LEN, PREFIX, format_key, generate_secret, parse_key, sanitise_key_name,
    secret_part,
};
use proptest::prelude::*;

const SERVICE: &str = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SECRET: &str = "0f9e8d7c-6b5a-4c3d-9e1f-a0b1c2d3e4f5";

#[test]
fn names_are_made_safe_as_gc_notify_does() {
    let cases = [
        ("Clé de test", "cle_de_test"),
        ("  Mon   API\tkey ", "mon_api_key"),
        ("Prod-Key_2", "prod-key_2"),
        ("Ça marche! (v2.1)", "ca_marche_v21"),
        ("a - b", "a_b"),
        ("a-_-b", "a-b"),
        ("Éàçôü", "eacou"),
        ("ключ API", "ключ_api"),
        ("!!!", ""),
        ("", ""),
    ];
    for (name, safe) in cases {
        assert_eq!(sanitise_key_name(name), safe, "{name:?}");
    }
}

#[test]
fn key_string_is_prefix_name_service_secret() {
    let key = format_key("Clé de test", SERVICE, SECRET);
    assert_eq!(key, format!("gcntfy-cle_de_test-{SERVICE}-{SECRET}"));
    let parsed = parse_key(&key).unwrap();
    assert_eq!(parsed.service_id, SERVICE);
    assert_eq!(parsed.secret, SECRET);
}

#[test]
fn parse_reads_from_the_end_whatever_the_name() {
    for name in [
        "",
        "x",
        "with-hyphens-and-uuids-8a1b2c3d-4e5f",
        "né à Montréal",
    ] {
        let parsed = parse_key(&format_key(name, SERVICE, SECRET)).unwrap();
        assert_eq!(
            (parsed.service_id.as_str(), parsed.secret.as_str()),
            (SERVICE, SECRET)
        );
    }
    // Non-ASCII in the name is counted in characters, not bytes.
    let raw = format!("{PREFIX}ключ-{SERVICE}-{SECRET}");
    assert_eq!(parse_key(&raw).unwrap().service_id, SERVICE);
}

#[test]
fn the_shortest_accepted_key_has_no_separators() {
    let key = format!("{PREFIX}{SERVICE}{SECRET}");
    assert_eq!(key.chars().count(), MIN_KEY_LEN);
    let parsed = parse_key(&key).unwrap();
    // GC Notify's slicing: the service id ends 37 characters from the end.
    assert_eq!(parsed.secret, SECRET);
    assert_eq!(
        parsed.service_id,
        format!("{}{}", &PREFIX[6..], &SERVICE[..35])
    );
}

#[test]
fn short_keys_are_refused() {
    assert_eq!(parse_key(PREFIX), Err(KeyFormatError::TooShort));
    assert_eq!(
        parse_key(&format!("{PREFIX}{SECRET}")),
        Err(KeyFormatError::TooShort)
    );
    let one_short = format!("{PREFIX}{SERVICE}{}", &SECRET[1..]);
    assert_eq!(parse_key(&one_short), Err(KeyFormatError::TooShort));
}

#[test]
fn wrong_prefixes_are_refused() {
    let key = format_key("test", SERVICE, SECRET);
    for wrong in [
        key.replacen("gcntfy-", "GCNTFY-", 1),
        key.replacen("gcntfy-", "gcntfy_", 1),
        key.replacen("gcntfy-", "", 1),
        format!(" {key}"),
        SECRET.to_owned(),
        String::new(),
    ] {
        assert_eq!(
            parse_key(&wrong),
            Err(KeyFormatError::MissingPrefix),
            "{wrong:?}"
        );
    }
}

#[test]
fn errors_carry_gc_notify_message() {
    assert_eq!(
        KeyFormatError::TooShort.to_string(),
        "Invalid token: Enter your full API key"
    );
    assert_eq!(
        KeyFormatError::MissingPrefix.to_string(),
        "Invalid token: Enter your full API key"
    );
}

#[test]
fn secret_part_is_the_last_36_characters() {
    assert_eq!(secret_part(&format_key("x", SERVICE, SECRET)), SECRET);
    assert_eq!(secret_part("short"), "short");
    assert_eq!(secret_part(&format!("é{SECRET}")), SECRET);
}

#[test]
fn generated_secrets_are_v4_uuids() {
    let secret = generate_secret();
    assert_eq!(secret.len(), 36);
    let parsed = uuid::Uuid::parse_str(&secret).unwrap();
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(parsed.hyphenated().to_string(), secret);
    assert_ne!(secret, generate_secret());
}

#[test]
fn debug_hides_the_secret() {
    let parsed = parse_key(&format_key("x", SERVICE, SECRET)).unwrap();
    let shown = format!("{parsed:?}");
    assert!(shown.contains(SERVICE));
    assert!(!shown.contains(SECRET));
}

proptest! {
    #[test]
    fn parse_inverts_format_for_any_name(name in any::<String>(), a in any::<u128>(), b in any::<u128>()) {
        let service = uuid::Uuid::from_u128(a).hyphenated().to_string();
        let secret = uuid::Uuid::from_u128(b).hyphenated().to_string();
        let parsed = parse_key(&format_key(&name, &service, &secret)).unwrap();
        prop_assert_eq!(parsed.service_id, service);
        prop_assert_eq!(parsed.secret, secret);
    }

    #[test]
    fn safe_names_have_no_whitespace_dots_or_doubled_separators(name in any::<String>()) {
        let safe = sanitise_key_name(&name);
        prop_assert!(!safe.contains(char::is_whitespace) && !safe.contains('.'));
        for pair in ["--", "__", "-_", "_-"] {
            prop_assert!(!safe.contains(pair));
        }
    }

    #[test]
    fn parse_never_panics(text in any::<String>()) {
        let _ = parse_key(&text);
        let _ = secret_part(&text);
    }
}
