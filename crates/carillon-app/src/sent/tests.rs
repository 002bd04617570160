//! Reading the search box.

use carillon_domain::{Recipient, RecipientError};

use super::{SearchError, parse_search};

#[test]
fn an_address_or_a_number_is_read_and_normalised() {
    let email = parse_search("  Ada.Lovelace@Example.CA ").unwrap();
    assert!(matches!(email, Recipient::Email(_)));
    assert_eq!(email.normalised(), "ada.lovelace@example.ca");
    let phone = parse_search("(613) 555-0100").unwrap();
    assert!(matches!(phone, Recipient::Phone(_)));
    assert_eq!(phone.normalised(), "+16135550100");
    assert_eq!(
        parse_search("+1 613 555 0100").unwrap().normalised(),
        "+16135550100"
    );
}

#[test]
fn other_text_is_a_clear_error() {
    assert_eq!(parse_search("   "), Err(SearchError::Empty));
    assert_eq!(
        parse_search("ada@"),
        Err(SearchError::Email(RecipientError::InvalidEmail))
    );
    assert!(matches!(parse_search("ada"), Err(SearchError::Phone(_))));
    assert!(matches!(parse_search("12"), Err(SearchError::Phone(_))));
}
