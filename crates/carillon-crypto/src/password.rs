//! Password hashing: Argon2id with OWASP's minimum parameters, stored as a PHC string.
//!
//! OWASP's password storage guidance lists m=19456 KiB, t=2, p=1 as the cheapest Argon2id
//! setting it accepts; it keeps one sign-in in the tens of milliseconds on a small server
//! while making offline guessing expensive. The parameters are written into every PHC string,
//! so raising them later still verifies older hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::master_key::os_random;

/// Memory cost in KiB (OWASP: 19 MiB).
pub const MEMORY_KIB: u32 = 19_456;
/// Passes over memory.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;

/// A valid hash of a password nobody knows, verified when an account does not exist so the
/// answer takes as long as for a real account (same parameters as [`hash_password`]).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$Y2FyaWxsb24gZHVtbXkgc2FsdA$\
                          hJkfYH3YN0NcQmIZyMXXiU11Ym/3BeZTrsDX/pQKCq0";

/// Why a password could not be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Argon2 refused the input (longer than its 4 GiB limit).
    #[error("the password cannot be hashed")]
    Hash,
}

fn argon2id() -> Argon2<'static> {
    // Constant parameters inside Argon2's documented bounds: `Params::new` cannot fail for them.
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, Some(32))
        .unwrap_or_else(|_| Params::default());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of `password` with a fresh
/// 16-byte random salt.
///
/// # Errors
/// [`PasswordError::Hash`] when Argon2 refuses the input.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let salt_bytes = Zeroizing::new(os_random::<16>());
    let salt = SaltString::encode_b64(salt_bytes.as_slice()).map_err(|_| PasswordError::Hash)?;
    argon2id()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|_| PasswordError::Hash)
}

/// Whether `password` matches the PHC string `phc`. A malformed string never matches. The
/// comparison of the derived hash is constant-time (the `password-hash` crate's `Output`).
pub fn verify_password(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    argon2id()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Spends the time of one verification against a hash nobody can match: what sign-in does for
/// an address with no account, so its answer and its timing are those of a wrong password.
pub fn verify_dummy(password: &str) {
    let _ = verify_password(password, DUMMY_HASH);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_carry_the_owasp_parameters() {
        let phc = hash_password("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse battery staple", &phc));
        assert!(!verify_password("correct horse battery stapl", &phc));
        assert!(!verify_password("", &phc));
    }

    #[test]
    fn each_hash_has_its_own_salt() {
        let a = hash_password("same").unwrap();
        let b = hash_password("same").unwrap();
        assert_ne!(a, b);
        assert!(verify_password("same", &a) && verify_password("same", &b));
    }

    #[test]
    fn malformed_hashes_never_match() {
        assert!(!verify_password("x", ""));
        assert!(!verify_password("x", "$argon2id$garbage"));
        assert!(!verify_password("x", "plain text"));
    }

    #[test]
    fn the_dummy_hash_is_a_real_hash_with_the_same_parameters() {
        // A malformed dummy would return at once and reveal unknown accounts by timing.
        let parsed = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let reference = PasswordHash::new(&hash_password("x").unwrap())
            .unwrap()
            .params
            .to_string();
        assert_eq!(parsed.params.to_string(), reference);
        assert!(parsed.hash.is_some());
        assert!(!verify_password("", DUMMY_HASH));
    }
}
