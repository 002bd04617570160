//! Who may register and which passwords are accepted.

use carillon_domain::EmailAddress;
use thiserror::Error;

/// Email domains accepted for self-registration when the deployment names none. A subdomain
/// of any of them matches too (`tbs-sct.gc.ca` ends with `.gc.ca`).
pub const DEFAULT_GOVERNMENT_DOMAINS: &[&str] = &["gc.ca", "canada.ca", "canada.gc.ca"];

/// Shortest password accepted (GC Notify's 8).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (GC Notify's 255).
pub const MAX_PASSWORD_CHARS: usize = 255;

const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// What is wrong with a new password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PasswordProblem {
    #[error("the password must be at least 8 characters")]
    TooShort,
    #[error("the password must be at most 255 characters")]
    TooLong,
    /// On the list of passwords tried first by anyone guessing.
    #[error("the password is too common")]
    TooCommon,
}

/// Checks a new password against the policy.
///
/// # Errors
/// The first [`PasswordProblem`] found.
pub fn check_password(password: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lowered = password.trim().to_lowercase();
    let common = COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .any(|line| line == lowered);
    if common {
        return Err(PasswordProblem::TooCommon);
    }
    Ok(())
}

/// Whether the address's domain is one of `domains` or a subdomain of one (case-insensitive).
pub fn is_government_email(email: &EmailAddress, domains: &[String]) -> bool {
    let domain = email.domain().trim_end_matches('.').to_lowercase();
    domains.iter().any(|allowed| {
        let allowed = allowed.trim().trim_start_matches('.').to_lowercase();
        !allowed.is_empty()
            && (domain == allowed
                || domain
                    .strip_suffix(allowed.as_str())
                    .is_some_and(|rest| rest.ends_with('.')))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn domains() -> Vec<String> {
        DEFAULT_GOVERNMENT_DOMAINS
            .iter()
            .map(|d| (*d).to_owned())
            .collect()
    }

    #[test]
    fn government_domains_and_their_subdomains_match() {
        let check =
            |text: &str| is_government_email(&EmailAddress::parse(text).unwrap(), &domains());
        assert!(check("a@canada.ca"));
        assert!(check("a@CANADA.CA"));
        assert!(check("a@tbs-sct.gc.ca"));
        assert!(check("a@deep.sub.gc.ca"));
        assert!(!check("a@gc.ca.evil.com"));
        assert!(!check("a@notgc.ca"));
        assert!(!check("a@gmail.com"));
        assert!(!check("a@canada.com"));
    }

    #[test]
    fn password_policy() {
        assert_eq!(check_password("short"), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("1234567"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check_password(&"x".repeat(256)),
            Err(PasswordProblem::TooLong)
        );
        assert!(check_password(&"x".repeat(255)).is_ok());
        assert_eq!(
            check_password("Password123"),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check_password("motdepasse"),
            Err(PasswordProblem::TooCommon)
        );
        assert!(check_password("correct horse battery").is_ok());
        // Characters, not bytes: eight accented letters are long enough.
        assert!(check_password("éééééééé").is_ok());
    }
}
