//! Personalisation values: key matching, stringification, truthiness and list joining.

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::error::{PERSONALISATION_SIZE_LIMIT, RenderError};

/// One personalisation value, already turned into text the way GC Notify does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string, number or boolean.
    Text(String),
    /// A list; empty items are already dropped, so an empty `Vec` means "nothing to show".
    List(Vec<String>),
}

impl Value {
    /// GC Notify's truthy words for conditional blocks, compared case-insensitively.
    const TRUTHY: [&'static str; 11] = [
        "yes", "y", "true", "t", "1", "include", "show", "oui", "vrai", "inclure", "afficher",
    ];

    /// Whether a conditional block keyed on this value is shown.
    ///
    /// Text must be one of the words exactly, case aside, as GC Notify compares it: `" yes"`
    /// and `"yes "` are false. (ASCII case folding is Python's `lower()` here: no non-ASCII
    /// character lowers to a letter of these words but the Kelvin sign, to a `k` none has.)
    /// A list is true when it has items; GC Notify compares the list's Python `repr`, which
    /// is never one of the words (see docs/compatibility.md).
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Text(text) => Self::TRUTHY
                .iter()
                .any(|word| text.eq_ignore_ascii_case(word)),
            Value::List(items) => !items.is_empty(),
        }
    }

    /// Characters this value counts towards the personalisation size limit.
    fn size(&self) -> usize {
        match self {
            Value::Text(text) => text.chars().count(),
            Value::List(items) => items.iter().map(|item| item.chars().count()).sum(),
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(text)
    }
}

impl From<Vec<String>> for Value {
    fn from(items: Vec<String>) -> Self {
        Value::List(drop_empty(items))
    }
}

/// Keeps the items a reader would see: blank ones are dropped, as GC Notify drops falsy ones.
fn drop_empty(items: Vec<String>) -> Vec<String> {
    items
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .collect()
}

/// Turns a JSON scalar into text the way GC Notify's Python does (`True`, `1.5`, `3`).
fn scalar_text(json: &Json) -> Option<String> {
    match json {
        Json::String(text) => Some(text.clone()),
        Json::Number(number) => Some(number.to_string()),
        Json::Bool(true) => Some("True".to_owned()),
        Json::Bool(false) => Some("False".to_owned()),
        Json::Null | Json::Array(_) | Json::Object(_) => None,
    }
}

/// The key a placeholder name or personalisation key is matched by: case-insensitive, with
/// spaces, `_` and `-` ignored, so `First Name`, `first_name` and `firstname` are one key.
pub fn normalise_key(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The values supplied for one recipient, looked up by normalised key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Personalisation {
    values: HashMap<String, Value>,
}

impl Personalisation {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces the value for `key` (matched like a placeholder name).
    pub fn insert(&mut self, key: &str, value: impl Into<Value>) {
        self.values.insert(normalise_key(key), value.into());
    }

    /// Adds a value, builder style.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.insert(key, value);
        self
    }

    /// The value for a placeholder name, if one was given.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(&normalise_key(name))
    }

    pub(crate) fn get_normalised(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// Reads an API `personalisation` object. `null` counts as not given; objects (file
    /// uploads) are left to the caller, who replaces them with a link or drops them.
    pub fn from_json(object: &serde_json::Map<String, Json>) -> Self {
        let mut personalisation = Self::new();
        for (key, json) in object {
            let value = match json {
                Json::Array(items) => {
                    Value::List(drop_empty(items.iter().filter_map(scalar_text).collect()))
                }
                other => match scalar_text(other) {
                    Some(text) => Value::Text(text),
                    None => continue,
                },
            };
            personalisation.insert(key, value);
        }
        personalisation
    }

    /// Characters in all values together, as GC Notify measures them for its size limit.
    pub fn size(&self) -> usize {
        self.values.values().map(Value::size).sum()
    }

    /// Refuses personalisation larger than GC Notify's 51,200-character limit.
    ///
    /// # Errors
    /// [`RenderError::PersonalisationTooLarge`] with the measured size.
    pub fn check_size(&self) -> Result<(), RenderError> {
        let size = self.size();
        if size > PERSONALISATION_SIZE_LIMIT {
            return Err(RenderError::PersonalisationTooLarge {
                size,
                limit: PERSONALISATION_SIZE_LIMIT,
            });
        }
        Ok(())
    }
}

/// Joins list items as prose: "a", "a and b", "a, b and c" (always English "and", as GC Notify).
pub(crate) fn join_prose(items: &[String], out: &mut String) {
    let last = items.len().saturating_sub(1);
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(if index == last { " and " } else { ", " });
        }
        out.push_str(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_spaces_underscores_and_hyphens() {
        assert_eq!(normalise_key("First Name"), "firstname");
        assert_eq!(normalise_key("first_name"), "firstname");
        assert_eq!(normalise_key("FIRST-name"), "firstname");
        let p = Personalisation::new().with("First_Name", "Ada");
        assert_eq!(p.get("first name"), Some(&Value::Text("Ada".into())));
    }

    #[test]
    fn truthy_words_in_english_and_french() {
        for word in [
            "yes", "Y", "TRUE", "t", "1", "include", "show", "Oui", "vrai", "inclure",
        ] {
            assert!(Value::from(word).is_truthy(), "{word}");
        }
        for word in [
            "no", "", "0", "false", "non", "faux", "2", " yes", "yes ", "\tyes", "y\n", "1.0",
        ] {
            assert!(!Value::from(word).is_truthy(), "{word}");
        }
    }

    #[test]
    fn json_scalars_stringify_like_python() {
        let json =
            serde_json::json!({"a": true, "b": 3, "c": 1.5, "d": null, "e": ["x", "", null, 2]});
        let p = Personalisation::from_json(json.as_object().unwrap());
        assert_eq!(p.get("a"), Some(&Value::Text("True".into())));
        assert_eq!(p.get("b"), Some(&Value::Text("3".into())));
        assert_eq!(p.get("c"), Some(&Value::Text("1.5".into())));
        assert_eq!(p.get("d"), None);
        assert_eq!(p.get("e"), Some(&Value::List(vec!["x".into(), "2".into()])));
    }

    #[test]
    fn prose_lists() {
        let join = |items: &[&str]| {
            let mut out = String::new();
            join_prose(
                &items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
                &mut out,
            );
            out
        };
        assert_eq!(join(&["a"]), "a");
        assert_eq!(join(&["a", "b"]), "a and b");
        assert_eq!(join(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn size_limit_counts_characters() {
        let p = Personalisation::new().with("a", "é".repeat(PERSONALISATION_SIZE_LIMIT));
        assert!(p.check_size().is_ok());
        let p = p.with("b", "x");
        assert_eq!(
            p.check_size(),
            Err(RenderError::PersonalisationTooLarge {
                size: 51_201,
                limit: 51_200
            })
        );
    }
}
