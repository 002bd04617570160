//! What the layout needs on every page: language, title, header links, the session's CSRF
//! token for the sign-out form, and the problems for the error summary.

use std::sync::Arc;

use carillon_domain::Language;
use carillon_i18n::Catalog;

use crate::form::{Msg, Problem};

/// The layout's context for one page.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub(crate) lang: Language,
    /// The language the toggle offers.
    pub(crate) other_lang: Language,
    /// The full `<title>`, with its error prefix when there are problems.
    pub(crate) title: String,
    pub(crate) heading: Msg,
    pub(crate) product: String,
    pub(crate) stylesheet: String,
    /// The same URL in the other language.
    pub(crate) toggle_href: String,
    pub(crate) csrf_token: String,
    pub(crate) signed_in: bool,
    /// Whether the header links to the platform admin's pages.
    pub(crate) platform_admin: bool,
    /// Which navigation item is current (`aria-current`), if any.
    pub(crate) nav: &'static str,
    pub(crate) problems: Vec<Problem>,
    pub(crate) catalog: Arc<Catalog>,
}

impl Page {
    /// The message `id` in the page's language.
    pub(crate) fn t(&self, id: &str) -> String {
        self.catalog.get(self.lang, id, &[])
    }

    /// The message `id` with one variable.
    pub(crate) fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.catalog.get(self.lang, id, &[(name, value)])
    }

    /// The message `id` with two variables.
    pub(crate) fn t2(&self, id: &str, first: &str, one: &str, second: &str, two: &str) -> String {
        self.catalog
            .get(self.lang, id, &[(first, one), (second, two)])
    }

    /// The `<title>`: `Page – Product`, `Error: Page – Product` when the form has problems.
    pub(crate) fn title(
        catalog: &Catalog,
        lang: Language,
        heading: Msg,
        product: &str,
        erred: bool,
    ) -> String {
        let page = catalog.get(lang, heading.id(), &[]);
        let title = catalog.get(
            lang,
            Msg("page-title").id(),
            &[("page", &page), ("product", product)],
        );
        match erred {
            true => catalog.get(lang, Msg("title-error-prefix").id(), &[("title", &title)]),
            false => title,
        }
    }
}
