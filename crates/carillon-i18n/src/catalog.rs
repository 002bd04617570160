//! The Fluent catalogues, embedded in the binary: one bundle per language built from the same
//! list of files, so a message missing from one language is a test failure, not a surprise.

use std::collections::BTreeSet;

use carillon_domain::Language;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

/// Every catalogue file, in English and in French.
const FILES: &[(&str, &str, &str)] = &[
    (
        "common.ftl",
        include_str!("../locales/en/common.ftl"),
        include_str!("../locales/fr/common.ftl"),
    ),
    (
        "sign-in.ftl",
        include_str!("../locales/en/sign-in.ftl"),
        include_str!("../locales/fr/sign-in.ftl"),
    ),
    (
        "api.ftl",
        include_str!("../locales/en/api.ftl"),
        include_str!("../locales/fr/api.ftl"),
    ),
    (
        "profile.ftl",
        include_str!("../locales/en/profile.ftl"),
        include_str!("../locales/fr/profile.ftl"),
    ),
    (
        "team.ftl",
        include_str!("../locales/en/team.ftl"),
        include_str!("../locales/fr/team.ftl"),
    ),
    (
        "templates.ftl",
        include_str!("../locales/en/templates.ftl"),
        include_str!("../locales/fr/templates.ftl"),
    ),
];

/// Why the catalogues could not be loaded: only a broken `.ftl` file in the build.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{language}/{file} does not parse: {detail}")]
    Syntax {
        language: Language,
        file: &'static str,
        detail: String,
    },
    #[error("{language}/{file} defines a message twice: {detail}")]
    Duplicate {
        language: Language,
        file: &'static str,
        detail: String,
    },
}

/// The messages of both languages.
pub struct Catalog {
    english: FluentBundle<FluentResource>,
    french: FluentBundle<FluentResource>,
    /// The parsed files, kept to list ids and the variables each message uses.
    resources: Vec<(Language, FluentResource)>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").finish_non_exhaustive()
    }
}

impl Catalog {
    /// Parses the embedded catalogues.
    ///
    /// # Errors
    /// When a file does not parse or defines a message twice.
    pub fn load() -> Result<Self, CatalogError> {
        let mut english = bundle("en-CA");
        let mut french = bundle("fr-CA");
        let mut resources = Vec::new();
        for (file, en, fr) in FILES {
            for (language, text, bundle) in [
                (Language::English, *en, &mut english),
                (Language::French, *fr, &mut french),
            ] {
                let syntax = |(_, errors): (FluentResource, Vec<_>)| CatalogError::Syntax {
                    language,
                    file,
                    detail: format!("{errors:?}"),
                };
                let resource = FluentResource::try_new(text.to_owned()).map_err(syntax)?;
                let copy = FluentResource::try_new(text.to_owned()).map_err(syntax)?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| CatalogError::Duplicate {
                        language,
                        file,
                        detail: format!("{errors:?}"),
                    })?;
                resources.push((language, copy));
            }
        }
        Ok(Self {
            english,
            french,
            resources,
        })
    }

    fn bundle(&self, language: Language) -> &FluentBundle<FluentResource> {
        match language {
            Language::English => &self.english,
            Language::French => &self.french,
        }
    }

    /// The message `id` in `language` with its variables set from `args`. A missing message
    /// gives its id (the catalogue tests make that impossible for ids the code uses).
    #[must_use]
    pub fn get(&self, language: Language, id: &str, args: &[(&str, &str)]) -> String {
        self.try_get(language, id, args)
            .unwrap_or_else(|_| id.to_owned())
    }

    /// The message `id`, or why it could not be formatted: missing, or a formatting error
    /// (a variable not given, say), described.
    ///
    /// # Errors
    /// As described.
    pub fn try_get(
        &self,
        language: Language,
        id: &str,
        args: &[(&str, &str)],
    ) -> Result<String, String> {
        let bundle = self.bundle(language);
        let pattern = bundle
            .get_message(id)
            .and_then(|message| message.value())
            .ok_or_else(|| format!("no message {id} in {language}"))?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, FluentValue::from(*value));
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        match errors.is_empty() {
            true => Ok(text.into_owned()),
            false => Err(format!("{id} in {language}: {errors:?}")),
        }
    }

    /// Every message id defined in `language`.
    #[must_use]
    pub fn ids(&self, language: Language) -> BTreeSet<String> {
        self.messages(language)
            .map(|message| message.id.name.to_owned())
            .collect()
    }

    /// The variables (`{ $name }`) message `id` uses in `language`.
    #[must_use]
    pub fn variables(&self, language: Language, id: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        for message in self.messages(language).filter(|m| m.id.name == id) {
            if let Some(pattern) = &message.value {
                pattern_variables(pattern, &mut found);
            }
        }
        found
    }

    fn messages(&self, language: Language) -> impl Iterator<Item = &ast::Message<&str>> {
        self.resources
            .iter()
            .filter(move |(l, _)| *l == language)
            .flat_map(|(_, resource)| resource.entries())
            .filter_map(|entry| match entry {
                ast::Entry::Message(message) => Some(message),
                _ => None,
            })
    }
}

fn bundle(tag: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // The text goes into HTML, where Unicode isolation marks would show as stray characters
    // in some screen readers and break exact matches in tests.
    bundle.set_use_isolating(false);
    bundle
}

fn pattern_variables(pattern: &ast::Pattern<&str>, found: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, found);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, found: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, found);
            for variant in variants {
                pattern_variables(&variant.value, found);
            }
        }
        ast::Expression::Inline(inline) => inline_variables(inline, found),
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, found: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            found.insert(id.name.to_owned());
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, found),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const BOTH: [Language; 2] = [Language::English, Language::French];

    #[test]
    fn every_message_exists_in_both_languages() {
        let catalog = Catalog::load().unwrap();
        let english = catalog.ids(Language::English);
        let french = catalog.ids(Language::French);
        let only_english: Vec<_> = english.difference(&french).collect();
        let only_french: Vec<_> = french.difference(&english).collect();
        assert!(only_english.is_empty(), "English only: {only_english:?}");
        assert!(only_french.is_empty(), "French only: {only_french:?}");
        assert!(english.len() > 10, "{english:?}");
    }

    #[test]
    fn every_message_formats_with_the_same_variables_in_both_languages() {
        let catalog = Catalog::load().unwrap();
        for id in catalog.ids(Language::English) {
            let variables = catalog.variables(Language::English, &id);
            assert_eq!(
                variables,
                catalog.variables(Language::French, &id),
                "{id} uses different variables in French"
            );
            let args: Vec<(&str, &str)> = variables.iter().map(|v| (v.as_str(), "x")).collect();
            for language in BOTH {
                let text = catalog.try_get(language, &id, &args).unwrap();
                assert!(!text.trim().is_empty(), "{id} is empty in {language}");
            }
        }
    }

    #[test]
    fn formatting_reports_what_is_wrong() {
        let catalog = Catalog::load().unwrap();
        assert_eq!(
            catalog.get(Language::French, "there-is-a-problem", &[]),
            "Il y a un problème"
        );
        assert_eq!(
            catalog.get(Language::English, "no-such-message", &[]),
            "no-such-message"
        );
        assert!(
            catalog
                .try_get(Language::English, "no-such-message", &[])
                .is_err()
        );
        // A variable the message needs but was not given is an error, not silent text.
        let needs = catalog
            .ids(Language::English)
            .into_iter()
            .find(|id| !catalog.variables(Language::English, id).is_empty())
            .expect("a message with a variable");
        assert!(catalog.try_get(Language::English, &needs, &[]).is_err());
    }
}
