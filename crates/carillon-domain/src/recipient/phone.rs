//! Phone numbers, checked as GC Notify checks them for the API (`validate_phone_number` with
//! international sending allowed), against `phonenumber`'s copy of libphonenumber's metadata.
//!
//! In order: a `;` anywhere is "Not a valid number". Spaces (and obscure whitespace), hyphens,
//! dots and parentheses are removed; what remains must be digits, optionally after one leading
//! `+`. Without a `+` the number must be a valid North American (country code 1) number, as
//! GC Notify reads numbers with the United States as default region; with one it must be valid
//! in its country (libphonenumber's rules), else "Not a valid international number". A valid
//! number outside North America is international: its E.164 form needs at least 8 characters
//! ("Not enough digits"), then its country code must be one GC Notify has a billing rate for
//! ("Country code N is not supported").
//!
//! GC Notify finds numbers with libphonenumber's matcher, which also picks a number out of
//! surrounding text (`+63 7127684268` becomes the US number `+17127684268`, an extension is
//! ignored); Carillon refuses such input instead.

use phonenumber::Metadata;
use phonenumber::metadata::DATABASE;

use crate::recipient::{OBSCURE_WHITESPACE, RecipientError};

/// North America's country code, GC Notify's home (`PHONE_COUNTRY_CODE`).
const HOME_COUNTRY_CODE: u16 = 1;
/// libphonenumber's region id for country codes that are not one country's.
const NON_GEOGRAPHIC_REGION: &str = "001";
/// Shortest E.164 form accepted for an international number, `+` included.
const MIN_E164_LEN: usize = 8;
/// Longest digit string considered (libphonenumber's national numbers have at most 17 digits).
const MAX_DIGITS: usize = 32;

/// Country codes GC Notify has an international billing rate for
/// (`notifications_utils/international_billing_rates.yml`); sending elsewhere is refused.
/// The four-digit North American entries of that table all share code 1.
const SUPPORTED_COUNTRY_CODES: [u16; 203] = [
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 54, 55,
    56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 211, 212, 213,
    216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236,
    237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 250, 251, 252, 253, 254, 255, 256,
    257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298, 299, 350, 351,
    352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380,
    381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506, 507, 508,
    509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676, 677, 678,
    679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692, 852, 853, 855, 856, 870, 880,
    886, 960, 961, 962, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 992, 993,
    994, 995, 996, 998,
];

/// A valid phone number in E.164 form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    e164: String,
    country_code: u16,
}

/// A number found valid in libphonenumber's metadata.
struct Valid {
    e164: String,
    country_code: u16,
}

/// Removes formatting; `None` unless what remains is digits after an optional `+`.
fn strip_formatting(text: &str) -> Option<String> {
    let cleaned: String = text
        .chars()
        .filter(|c| {
            !(c.is_whitespace()
                || OBSCURE_WHITESPACE.contains(c)
                || matches!(c, '-' | '.' | '(' | ')'))
        })
        .collect();
    let digits = cleaned.strip_prefix('+').unwrap_or(&cleaned);
    let well_formed = !digits.is_empty()
        && digits.len() <= MAX_DIGITS
        && digits.bytes().all(|b| b.is_ascii_digit());
    well_formed.then_some(cleaned)
}

/// Splits `+<digits>` into a country code the metadata knows and the rest. Country codes
/// are prefix-free, so the first known one of one to three digits is the one.
fn split_country_code(digits: &str) -> Option<(u16, &str)> {
    (1..=3).find_map(|len| {
        let code: u16 = digits.get(..len)?.parse().ok()?;
        DATABASE.region(&code)?;
        Some((code, &digits[len..]))
    })
}

/// Whether `national` is of a known type (fixed line, mobile, toll free…) in `meta`.
fn has_known_type(meta: &Metadata, national: &str) -> bool {
    let types = meta.descriptors();
    types.general().is_match(national)
        && [
            types.premium_rate(),
            types.toll_free(),
            types.shared_cost(),
            types.voip(),
            types.personal_number(),
            types.pager(),
            types.uan(),
            types.voicemail(),
            types.fixed_line(),
            types.mobile(),
        ]
        .into_iter()
        .flatten()
        .any(|descriptor| descriptor.is_match(national))
}

/// libphonenumber's validity: the region the number belongs to (by leading digits, else by
/// type) among those sharing the code, and a known type there.
fn is_valid_national(code: u16, national: &str) -> bool {
    let Some(regions) = DATABASE.region(&code) else {
        return false;
    };
    if let [region] = regions.as_slice() {
        let meta = if *region == NON_GEOGRAPHIC_REGION {
            DATABASE
                .by_code(&code)
                .and_then(|metas| metas.into_iter().next())
        } else {
            DATABASE.by_id(*region)
        };
        return meta.is_some_and(|meta| has_known_type(meta, national));
    }
    let owner = regions
        .iter()
        .filter_map(|region| DATABASE.by_id(*region))
        .find(|meta| match meta.leading_digits() {
            Some(pattern) => pattern.find(national).is_some_and(|m| m.start() == 0),
            None => has_known_type(meta, national),
        });
    owner.is_some_and(|meta| has_known_type(meta, national))
}

/// The national prefix (trunk code) dialled inside the country that owns `code`.
fn national_prefix(code: u16) -> Option<String> {
    let metas = DATABASE.by_code(&code)?;
    let main = metas
        .iter()
        .find(|meta| meta.is_main_country_for_code())
        .or_else(|| metas.first())?;
    main.national_prefix().map(str::to_owned)
}

/// Reads cleaned text. Without `+` the number is North American. The national number is
/// taken as written; only when that is not valid is a leading national prefix (`0` in most
/// countries, `1` in North America) dropped, as libphonenumber does for `+44 (0)7…`.
///
/// This works on `phonenumber`'s metadata directly because its parser, given a default
/// region, strips that region's national prefix from numbers in other countries
/// (`+49 1512…` would lose its `1`).
fn read(cleaned: &str) -> Option<Valid> {
    let (code, national) = match cleaned.strip_prefix('+') {
        Some(digits) => split_country_code(digits)?,
        None => (HOME_COUNTRY_CODE, cleaned),
    };
    let national = if is_valid_national(code, national) {
        national
    } else {
        let prefix = national_prefix(code)?;
        let stripped = national.strip_prefix(prefix.as_str())?;
        if !is_valid_national(code, stripped) {
            return None;
        }
        stripped
    };
    Some(Valid {
        e164: format!("+{code}{national}"),
        country_code: code,
    })
}

/// Checks that come first for every number: `;`, then the shape, then validity.
fn read_checked(text: &str) -> Result<Option<Valid>, RecipientError> {
    if text.contains(';') {
        return Err(RecipientError::InvalidNumber);
    }
    Ok(strip_formatting(text).and_then(|cleaned| read(&cleaned)))
}

impl PhoneNumber {
    /// Validates a phone number; numbers without a country code are North American, and
    /// numbers elsewhere must start with `+`.
    ///
    /// # Errors
    /// In GC Notify's order: [`RecipientError::InvalidNumber`] ("Not a valid number"),
    /// [`RecipientError::InvalidPhone`] ("Not a valid international number"),
    /// [`RecipientError::NotEnoughDigits`], [`RecipientError::UnsupportedCountryCode`].
    pub fn parse(text: &str) -> Result<Self, RecipientError> {
        let valid = read_checked(text)?.ok_or(RecipientError::InvalidPhone)?;
        if valid.country_code == HOME_COUNTRY_CODE {
            return Ok(Self::from(valid));
        }
        if valid.e164.len() < MIN_E164_LEN {
            return Err(RecipientError::NotEnoughDigits);
        }
        if SUPPORTED_COUNTRY_CODES
            .binary_search(&valid.country_code)
            .is_err()
        {
            return Err(RecipientError::UnsupportedCountryCode(valid.country_code));
        }
        Ok(Self::from(valid))
    }

    /// Validates a North American number only, as GC Notify does for a service that may not
    /// send abroad.
    ///
    /// # Errors
    /// [`RecipientError::InvalidNumber`] for a `;`, else [`RecipientError::InvalidLocalPhone`]
    /// ("Not a valid local number").
    pub fn parse_local(text: &str) -> Result<Self, RecipientError> {
        match read_checked(text)? {
            Some(valid) if valid.country_code == HOME_COUNTRY_CODE => Ok(Self::from(valid)),
            _ => Err(RecipientError::InvalidLocalPhone),
        }
    }

    /// The number in E.164 form (`+16135550123`).
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The country calling code (1 for Canada and the rest of North America).
    pub fn country_code(&self) -> u16 {
        self.country_code
    }

    /// Whether the number is outside the North American numbering plan (country code not 1).
    pub fn is_international(&self) -> bool {
        self.country_code != HOME_COUNTRY_CODE
    }
}

impl From<Valid> for PhoneNumber {
    fn from(valid: Valid) -> Self {
        Self {
            e164: valid.e164,
            country_code: valid.country_code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_codes_are_sorted_for_binary_search() {
        assert!(
            SUPPORTED_COUNTRY_CODES
                .windows(2)
                .all(|pair| pair[0] < pair[1])
        );
    }

    #[test]
    fn supported_codes_are_known_to_the_metadata_except_vatican_city() {
        // GC Notify's table lists 379, reserved for Vatican City but unused: its numbers are
        // Italian (+39 06 698…), so no parsed number ever has it.
        let unknown: Vec<u16> = SUPPORTED_COUNTRY_CODES
            .into_iter()
            .filter(|code| DATABASE.region(code).is_none())
            .collect();
        assert_eq!(unknown, [379]);
    }
}
