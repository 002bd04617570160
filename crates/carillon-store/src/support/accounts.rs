//! The web app's records as both backends store them: the lookup hash of a user's address,
//! sealed values, and the stored names of their enums and permission lists.

use carillon_crypto::Cipher;
use carillon_domain::{
    EmailAddress, InvitationStatus, Language, MemberPermission, SecondFactor, UserState,
};

use super::{corrupt, open_text};
use crate::{GoLiveStatus, SessionStage, StoreResult, TokenPurpose};

/// The scope of users' address hashes: never a service id's 16 bytes, so an address's hash
/// never equals the hash of a client reference with the same text.
const EMAIL_SCOPE: &[u8] = b"user email address";

/// The lookup hash of a user's address: keyed, over the normalised (lower-case) address, so
/// `Ada@Example.com` finds `ada@example.com` and a copy of the database reveals neither.
pub fn email_hash(cipher: &Cipher, email: &EmailAddress) -> [u8; 32] {
    cipher.reference_hash(EMAIL_SCOPE, &email.normalised())
}

/// A sealed email address, read back and parsed.
///
/// # Errors
/// Corrupt when it does not decrypt or is not an address.
pub fn open_email(cipher: &Cipher, sealed: &[u8]) -> StoreResult<EmailAddress> {
    let text = open_text(cipher, sealed)?;
    EmailAddress::parse(&text).map_err(|_| corrupt("a stored email address is not valid"))
}

/// Sealed bytes (a TOTP secret), read back.
///
/// # Errors
/// Corrupt when they do not decrypt.
pub fn open_bytes(cipher: &Cipher, sealed: &[u8]) -> StoreResult<Vec<u8>> {
    cipher.decrypt(sealed).map_err(corrupt)
}

/// A stored 32-byte hash.
///
/// # Errors
/// Corrupt when it has another length.
pub fn hash32(bytes: &[u8], column: &str) -> StoreResult<[u8; 32]> {
    <[u8; 32]>::try_from(bytes)
        .map_err(|_| corrupt(format_args!("{column} has {} bytes, not 32", bytes.len())))
}

/// Turns a stored enum name into its value with `parse`, or reports it as corrupt.
fn parsed<T>(text: &str, what: &str, parse: fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(text).ok_or_else(|| corrupt(format_args!("unknown {what} {text:?}")))
}

pub fn user_state(text: &str) -> StoreResult<UserState> {
    parsed(text, "user state", UserState::parse)
}

pub fn second_factor(text: &str) -> StoreResult<SecondFactor> {
    parsed(text, "second factor", SecondFactor::parse)
}

pub fn language(text: &str) -> StoreResult<Language> {
    parsed(text, "language", Language::parse)
}

pub fn token_purpose(text: &str) -> StoreResult<TokenPurpose> {
    parsed(text, "token purpose", TokenPurpose::parse)
}

pub fn session_stage(text: &str) -> StoreResult<SessionStage> {
    parsed(text, "session stage", SessionStage::parse)
}

pub fn invitation_status(text: &str) -> StoreResult<InvitationStatus> {
    parsed(text, "invitation status", InvitationStatus::parse)
}

pub fn go_live_status(text: &str) -> StoreResult<GoLiveStatus> {
    parsed(text, "go-live status", GoLiveStatus::parse)
}

/// Member permissions as stored: names joined by commas, in the order given.
pub fn member_permissions(permissions: &[MemberPermission]) -> String {
    permissions
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// [`member_permissions`] read back.
///
/// # Errors
/// Corrupt for a name no permission has.
pub fn parse_member_permissions(text: &str) -> StoreResult<Vec<MemberPermission>> {
    text.split(',')
        .filter(|name| !name.is_empty())
        .map(|name| parsed(name, "member permission", MemberPermission::parse))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_address_hashes_the_same_in_any_case_and_apart_from_references() {
        let cipher = Cipher::new([7; 32]);
        let lower = EmailAddress::parse("ada@example.com").unwrap();
        let mixed = EmailAddress::parse("Ada@Example.COM").unwrap();
        let other = EmailAddress::parse("bob@example.com").unwrap();
        assert_eq!(email_hash(&cipher, &lower), email_hash(&cipher, &mixed));
        assert_ne!(email_hash(&cipher, &lower), email_hash(&cipher, &other));
        assert_ne!(
            email_hash(&cipher, &lower),
            Cipher::new([8; 32]).reference_hash(EMAIL_SCOPE, "ada@example.com")
        );
        assert_ne!(
            email_hash(&cipher, &lower).as_slice(),
            cipher.lookup_hash("ada@example.com").as_slice()
        );
    }

    #[test]
    fn permissions_round_trip_and_unknown_names_are_corrupt() {
        let all = MemberPermission::ALL;
        let text = member_permissions(&all);
        assert_eq!(
            text,
            "view_activity,manage_templates,send_messages,manage_service,manage_api_keys"
        );
        assert_eq!(parse_member_permissions(&text).ok(), Some(all.to_vec()));
        assert_eq!(parse_member_permissions("").ok(), Some(Vec::new()));
        assert!(matches!(
            parse_member_permissions("view_activity,fly"),
            Err(crate::StoreError::Corrupt(_))
        ));
        assert!(matches!(
            user_state("frozen"),
            Err(crate::StoreError::Corrupt(_))
        ));
        assert!(matches!(
            hash32(&[0; 31], "hash"),
            Err(crate::StoreError::Corrupt(_))
        ));
    }
}
