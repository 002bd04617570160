//! Recipient validation: GC Notify's rules and messages, and properties.

use proptest::prelude::*;

use super::*;

fn phone(text: &str) -> Result<String, RecipientError> {
    PhoneNumber::parse(text).map(|number| number.e164().to_owned())
}

#[test]
fn canadian_numbers_in_any_common_format() {
    for text in [
        "613-555-0123",
        "+1 (613) 555-0123",
        "(613) 555-0123",
        "613.555.0123",
        "6135550123",
        "16135550123",
        "1 613 555 0123",
        "+1 1 613 555 0123",
        "\u{200B} 613 555 0123\t",
    ] {
        let number = PhoneNumber::parse(text).unwrap();
        assert_eq!(number.e164(), "+16135550123", "{text:?}");
        assert!(!number.is_international());
        assert_eq!(number.country_code(), 1);
    }
}

#[test]
fn gc_notify_smoke_test_numbers_are_valid() {
    for (text, e164) in [
        ("+16132532222", "+16132532222"),
        ("+16132532223", "+16132532223"),
        ("613 253 2224", "+16132532224"),
        ("+15149301633", "+15149301633"),
    ] {
        assert_eq!(phone(text).unwrap(), e164);
    }
}

#[test]
fn international_numbers_need_a_plus_and_are_flagged() {
    let cases = [
        ("+33 6 12 34 56 78", "+33612345678", 33),
        ("+44 7911 123456", "+447911123456", 44),
        ("+27-82-123-1234", "+27821231234", 27),
        ("+61 4 1234 5678", "+61412345678", 61),
    ];
    for (text, e164, code) in cases {
        let number = PhoneNumber::parse(text).unwrap();
        assert_eq!(
            (number.e164(), number.country_code()),
            (e164, code),
            "{text:?}"
        );
        assert!(number.is_international());
    }
    // Without `+` a number is read as North American.
    assert_eq!(phone("33612345678"), Err(RecipientError::InvalidPhone));
    assert_eq!(
        phone("011 44 7911 123456"),
        Err(RecipientError::InvalidPhone)
    );
    assert_eq!(phone("0033612345678"), Err(RecipientError::InvalidPhone));
}

#[test]
fn trunk_prefixes_after_the_country_code_are_dropped_only_when_needed() {
    assert_eq!(phone("+44 (0)7911 123456").unwrap(), "+447911123456");
    assert_eq!(phone("+33 (0)6 12 34 56 78").unwrap(), "+33612345678");
    // Italian numbers keep their leading zero.
    assert_eq!(phone("+39 06 1234 5678").unwrap(), "+390612345678");
    // Digits that look like a North American trunk prefix stay (the `phonenumber` parser,
    // given a default region, would strip them).
    assert_eq!(phone("+49 1512 3456789").unwrap(), "+4915123456789");
    assert_eq!(phone("+86 131 2345 6789").unwrap(), "+8613123456789");
}

#[test]
fn fictional_uk_drama_numbers_are_not_valid() {
    // Ofcom's 07700 900xxx range is reserved for fiction; libphonenumber (and so GC Notify)
    // refuses it.
    assert_eq!(phone("+44 7700 900123"), Err(RecipientError::InvalidPhone));
}

#[test]
fn semicolons_are_refused_first() {
    for text in [
        "416-234-8976;416-235-8976",
        "+16135550123;",
        ";",
        "07\";DROP TABLE;",
    ] {
        assert_eq!(phone(text), Err(RecipientError::InvalidNumber), "{text:?}");
        assert_eq!(
            PhoneNumber::parse_local(text),
            Err(RecipientError::InvalidNumber)
        );
    }
    assert_eq!(
        RecipientError::InvalidNumber.to_string(),
        "Not a valid number"
    );
}

#[test]
fn invalid_numbers_are_not_valid_international_numbers() {
    for text in [
        "",
        "   ",
        "abcd",
        "ALPHANUM3R1C",
        "12345",
        "+12345",
        "1234567",
        "555-0123",
        "800000000000",
        "+682 1234",
        "+1 123 456 7890",
        "613 555 0123 ext 5",
        "++16135550123",
        "+",
        "6135550123+",
        "+1 613 555 01234",
        "12345678901234567890123456789012345",
    ] {
        assert_eq!(phone(text), Err(RecipientError::InvalidPhone), "{text:?}");
    }
    assert_eq!(
        RecipientError::InvalidPhone.to_string(),
        "Not a valid international number"
    );
}

#[test]
fn too_short_international_numbers_are_refused_before_the_country_check() {
    // An Iranian universal access number is valid but only 7 characters in E.164; GC Notify
    // says "Not enough digits" before it looks at the (unsupported) country code.
    assert_eq!(phone("+98 9601"), Err(RecipientError::NotEnoughDigits));
    assert_eq!(
        RecipientError::NotEnoughDigits.to_string(),
        "Not enough digits"
    );
}

#[test]
fn countries_without_a_billing_rate_are_not_supported() {
    let error = phone("+249 91 234 5678").unwrap_err();
    assert_eq!(error, RecipientError::UnsupportedCountryCode(249));
    assert_eq!(error.to_string(), "Country code 249 is not supported");
    assert_eq!(
        phone("+98 912 345 6789"),
        Err(RecipientError::UnsupportedCountryCode(98))
    );
}

#[test]
fn local_only_validation() {
    assert_eq!(
        PhoneNumber::parse_local("613-555-0123").unwrap().e164(),
        "+16135550123"
    );
    for text in ["+44 7911 123456", "+1 123 456 7890", "abc", ""] {
        assert_eq!(
            PhoneNumber::parse_local(text),
            Err(RecipientError::InvalidLocalPhone)
        );
    }
    assert_eq!(
        RecipientError::InvalidLocalPhone.to_string(),
        "Not a valid local number"
    );
}

#[test]
fn valid_emails() {
    for text in [
        "someone@canada.ca",
        "Someone.Else@Example.GC.CA",
        "firstname.o'lastname@domain.com",
        "prénom.nom@exemple.gc.ca",
        "Tom!the#taglover?@mailinator.com",
        "2+2={5*4/5}@example.com",
        "_______@example.com",
        "a@example.superlongtld",
        "info@exemple.québec",
        "info@例え.テスト",
        "a@xn--r8jz45g.xn--zckzah",
        "a@straße.de",
    ] {
        assert_eq!(
            EmailAddress::parse(text).unwrap().as_str(),
            text,
            "{text:?}"
        );
    }
}

#[test]
fn invalid_emails() {
    for text in [
        "plainaddress",
        "@no-local-part.ca",
        "Name <name@example.ca>",
        "no-tld@domain",
        "a@domain.c",
        "a@example.c0m",
        "semi;colon@example.ca",
        "\"quoted\"@example.ca",
        "two..dots@example.ca",
        "dots@example..ca",
        "two@at@example.ca",
        "spaces in@example.ca",
        "a@exam ple.ca",
        "a@exam_ple.ca",
        "a@.example.ca",
        "a@example.ca.",
        "a@-example.ca",
        "a@example-.ca",
        "a@ex--ample.ca",
        "a@123.123.123.123",
        "a@[123.123.123.123]",
        "comma,local@example.ca",
        "curly’quote@example.ca",
        "pound£@example.ca",
        "a@\u{1C}example.ca",
        "",
    ] {
        assert_eq!(
            EmailAddress::parse(text),
            Err(RecipientError::InvalidEmail),
            "{text:?}"
        );
    }
    assert_eq!(
        RecipientError::InvalidEmail.to_string(),
        "Not a valid email address"
    );
}

#[test]
fn email_whitespace_is_cleaned_and_case_kept_until_normalised() {
    let email = EmailAddress::parse(" \u{FEFF}Some\u{200B}One@Example.CA\u{2060}\n").unwrap();
    assert_eq!(email.as_str(), "SomeOne@Example.CA");
    assert_eq!(email.normalised(), "someone@example.ca");
    assert_eq!(email.domain(), "Example.CA");
    // Only ASCII whitespace is trimmed, as in GC Notify.
    assert!(EmailAddress::parse("a@example.ca\u{A0}").is_err());
}

#[test]
fn email_length_limits() {
    let host = format!(
        "{}.{}.{}.ca",
        "b".repeat(63),
        "c".repeat(63),
        "d".repeat(63)
    );
    let local = "a".repeat(320 - host.len() - 1);
    let longest = format!("{local}@{host}");
    assert_eq!(longest.chars().count(), 320);
    assert!(EmailAddress::parse(&longest).is_ok());
    assert!(EmailAddress::parse(&format!("a{longest}")).is_err());
    assert!(EmailAddress::parse(&format!("a@{}.ca", "b".repeat(64))).is_err());
}

#[test]
fn recipients_by_channel() {
    use crate::status::NotificationType;
    let email = Recipient::parse(NotificationType::Email, "A@Example.ca").unwrap();
    assert_eq!(email.normalised(), "a@example.ca");
    let sms = Recipient::parse(NotificationType::Sms, "(613) 555-0123").unwrap();
    assert_eq!(sms.normalised(), "+16135550123");
    assert_eq!(
        Recipient::parse(NotificationType::Sms, "a@example.ca"),
        Err(RecipientError::InvalidPhone)
    );
}

const LOCAL_CHARS: &str = "[a-zA-Z0-9À-ÿ.!#$%&'*+/=?^_`{|}~-]{1,64}";
const AREA_CODES: [u16; 12] = [204, 250, 306, 416, 438, 506, 514, 604, 613, 709, 819, 867];

proptest! {
    #[test]
    fn addresses_from_the_allowed_alphabet_parse(
        local in LOCAL_CHARS.prop_filter("no ..", |local| !local.contains("..")),
        labels in proptest::collection::vec("[a-z0-9]{1,10}(-[a-z0-9]{1,10})?", 1..4),
        tld in "[a-zA-Z]{2,12}",
    ) {
        let address = format!("{local}@{}.{tld}", labels.join("."));
        let parsed = EmailAddress::parse(&address).unwrap();
        prop_assert_eq!(parsed.as_str(), address.as_str());
    }

    #[test]
    fn addresses_with_double_dots_missing_at_or_too_long_are_refused(
        local in "[a-z0-9]{1,20}",
        domain in "[a-z]{1,20}",
        cut in 0usize..20,
    ) {
        let address = format!("{local}@{domain}.ca");
        let at = cut.min(address.len());
        let dotted = format!("{}..{}", &address[..at], &address[at..]);
        prop_assert!(EmailAddress::parse(&dotted).is_err());
        prop_assert!(EmailAddress::parse(&address.replace('@', "")).is_err());
        let padded = format!("{}{address}", "x".repeat(321 - address.len()));
        prop_assert!(EmailAddress::parse(&padded).is_err());
    }

    #[test]
    fn nanp_numbers_parse_to_e164(
        area in proptest::sample::select(&AREA_CODES[..]),
        exchange in 200u16..1000,
        line in 0u16..10_000,
        format in 0usize..5,
    ) {
        let digits = format!("{area}{exchange}{line:04}");
        let text = match format {
            0 => digits.clone(),
            1 => format!("({area}) {exchange}-{line:04}"),
            2 => format!("1-{area}-{exchange}-{line:04}"),
            3 => format!("+1 {area}.{exchange}.{line:04}"),
            _ => format!("+1{digits}"),
        };
        let number = PhoneNumber::parse(&text).unwrap();
        prop_assert_eq!(number.e164(), format!("+1{digits}"));
        prop_assert!(!number.is_international());
    }

    #[test]
    fn parsing_never_panics(text in any::<String>()) {
        let _ = EmailAddress::parse(&text);
        let _ = PhoneNumber::parse(&text);
        let _ = PhoneNumber::parse_local(&text);
    }

    #[test]
    fn phone_like_text_never_panics(text in "[+0-9 ().;-]{0,40}") {
        if let Ok(number) = PhoneNumber::parse(&text) {
            prop_assert!(number.e164().starts_with('+'));
            prop_assert!(number.e164()[1..].bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
