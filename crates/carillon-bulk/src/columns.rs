//! Which column holds what (GC Notify's `RecipientCSV` header rules): the recipient column in
//! English or French, one or more columns per placeholder (matched like personalisation keys),
//! and the optional `reference` column.

use carillon_domain::NotificationType;
use carillon_render::normalise_key;

/// The recipient column names GC Notify knows for a channel, English first.
pub fn recipient_columns(kind: NotificationType) -> [&'static str; 2] {
    match kind {
        NotificationType::Email => ["email address", "adresse courriel"],
        NotificationType::Sms => ["phone number", "numéro de téléphone"],
    }
}

/// What is wrong with a file's header row, in GC Notify's order of checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    /// Columns the template needs that the file lacks, sorted (GC Notify's
    /// "Missing column headers: a, b").
    Missing(Vec<String>),
    /// More than one column is the recipient column ("Duplicate column headers: …").
    Duplicate(Vec<String>),
}

impl std::error::Error for HeaderProblem {}

impl std::fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderProblem::Missing(names) => {
                write!(f, "Missing column headers: {}", names.join(", "))
            }
            HeaderProblem::Duplicate(names) => {
                write!(f, "Duplicate column headers: {}", names.join(", "))
            }
        }
    }
}

/// A placeholder and the columns that fill it (several make a list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderColumns {
    /// The placeholder's name as the template writes it.
    pub name: String,
    /// The header as the file writes it, for reports.
    pub header: String,
    /// Indexes of the columns, left to right.
    pub columns: Vec<usize>,
}

/// The column layout of a file for one template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// Every header cell, trimmed.
    pub headers: Vec<String>,
    /// Recipient columns (English before French), as (index, header).
    pub recipient: Vec<(usize, String)>,
    /// One entry per template placeholder that is not the recipient itself.
    pub placeholders: Vec<PlaceholderColumns>,
    /// The `reference` column, when there is one (also a placeholder's value if the template
    /// has a `((reference))`, as in GC Notify).
    pub reference: Option<usize>,
}

impl Columns {
    /// Maps a header row for a template of `kind` with these placeholder names.
    ///
    /// # Errors
    /// The first [`HeaderProblem`] in GC Notify's order.
    pub fn map(
        headers: &[String],
        kind: NotificationType,
        placeholders: &[String],
    ) -> Result<Self, HeaderProblem> {
        let headers: Vec<String> = headers.iter().map(|h| crate::clean(h)).collect();
        let keys: Vec<String> = headers.iter().map(|h| normalise_key(h)).collect();
        let recipient_keys = recipient_columns(kind).map(normalise_key);

        let mut recipient = Vec::new();
        for key in &recipient_keys {
            for (index, header_key) in keys.iter().enumerate() {
                if header_key == key {
                    recipient.push((index, headers[index].clone()));
                }
            }
        }

        let mut missing = Vec::new();
        if recipient.is_empty() {
            missing.push(recipient_columns(kind)[0].to_owned());
        }
        let mut mapped: Vec<PlaceholderColumns> = Vec::new();
        for name in placeholders {
            let key = normalise_key(name);
            if recipient_keys.contains(&key) || mapped.iter().any(|p| normalise_key(&p.name) == key)
            {
                continue;
            }
            let columns: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] == key).collect();
            match columns.first() {
                Some(&first) => mapped.push(PlaceholderColumns {
                    name: name.clone(),
                    header: headers[first].clone(),
                    columns,
                }),
                None => missing.push(name.clone()),
            }
        }
        if !missing.is_empty() {
            missing.sort();
            missing.dedup();
            return Err(HeaderProblem::Missing(missing));
        }

        // GC Notify counts repeats of each recipient name separately: `email address` twice is
        // a duplicate, `email address` beside `adresse courriel` is not (the English one wins).
        let mut duplicate: Vec<String> = Vec::new();
        for key in &recipient_keys {
            let same: Vec<&(usize, String)> =
                recipient.iter().filter(|(i, _)| &keys[*i] == key).collect();
            if same.len() > 1 {
                duplicate.extend(same.iter().map(|(_, h)| h.clone()));
            }
        }
        if !duplicate.is_empty() {
            duplicate.sort();
            duplicate.dedup();
            return Err(HeaderProblem::Duplicate(duplicate));
        }

        let reference_key = normalise_key("reference");
        let reference = keys.iter().position(|k| *k == reference_key);
        Ok(Self {
            headers,
            recipient,
            placeholders: mapped,
            reference,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn names(names: &[&str]) -> Vec<String> {
        headers(names)
    }

    #[test]
    fn recipient_and_placeholders_match_loosely() {
        let columns = Columns::map(
            &headers(&["Email_Address", " First-Name ", "reference", "first name"]),
            NotificationType::Email,
            &names(&["first name"]),
        )
        .unwrap();
        assert_eq!(columns.recipient, vec![(0, "Email_Address".to_owned())]);
        assert_eq!(columns.placeholders[0].columns, vec![1, 3]);
        assert_eq!(columns.placeholders[0].header, "First-Name");
        assert_eq!(columns.reference, Some(2));
    }

    #[test]
    fn french_recipient_columns_count() {
        let columns = Columns::map(
            &headers(&["numéro de téléphone"]),
            NotificationType::Sms,
            &[],
        )
        .unwrap();
        assert_eq!(columns.recipient.len(), 1);
    }

    #[test]
    fn missing_headers_are_sorted() {
        let problem = Columns::map(
            &headers(&["name"]),
            NotificationType::Email,
            &names(&["zed", "name", "alpha"]),
        )
        .unwrap_err();
        assert_eq!(
            problem.to_string(),
            "Missing column headers: alpha, email address, zed"
        );
    }

    #[test]
    fn repeated_recipient_columns_are_duplicates() {
        let problem = Columns::map(
            &headers(&["phone number", "Phone_Number", "numéro de téléphone"]),
            NotificationType::Sms,
            &[],
        )
        .unwrap_err();
        assert_eq!(
            problem.to_string(),
            "Duplicate column headers: Phone_Number, phone number"
        );
    }

    #[test]
    fn a_placeholder_named_reference_is_also_the_reference() {
        let columns = Columns::map(
            &headers(&["email address", "reference"]),
            NotificationType::Email,
            &names(&["reference"]),
        )
        .unwrap();
        assert_eq!(columns.reference, Some(1));
        assert_eq!(columns.placeholders[0].columns, vec![1]);
    }
}
