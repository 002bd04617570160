//! The request as a page handler sees it: the visitor's session, the language negotiated for
//! them and the URL, from which the layout's [`Page`] is made.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use carillon_domain::Language;

use crate::assets::stylesheet_href;
use crate::form::{Msg, Problem};
use crate::page::Page;
use crate::session::Visitor;
use crate::state::WebState;

/// A page request's context.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    pub(crate) lang: Language,
    pub(crate) visitor: Visitor,
    pub(crate) uri: Uri,
    pub(crate) state: WebState,
}

impl FromRequestParts<WebState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let Some(visitor) = parts.extensions.get::<Visitor>().cloned() else {
            return Err(crate::views::errors::server_error(state));
        };
        Ok(Self {
            lang: language(&parts.uri, &parts.headers, None),
            visitor,
            uri: parts.uri.clone(),
            state: state.clone(),
        })
    }
}

impl Ctx {
    /// The layout's context for a page headed `heading`, with the problems found in a form.
    pub(crate) fn page(&self, heading: Msg, problems: Vec<Problem>) -> Page {
        page(
            &self.state,
            self.lang,
            &self.uri,
            heading,
            problems,
            Some(&self.visitor),
        )
    }
}

/// The layout's context, also for pages made outside a handler (errors from middleware).
pub(crate) fn page(
    state: &WebState,
    lang: Language,
    uri: &Uri,
    heading: Msg,
    problems: Vec<Problem>,
    visitor: Option<&Visitor>,
) -> Page {
    let product = state.settings.product_name.clone();
    let title = Page::title(
        &state.catalog,
        lang,
        heading,
        &product,
        !problems.is_empty(),
    );
    let other_lang = match lang {
        Language::English => Language::French,
        Language::French => Language::English,
    };
    Page {
        lang,
        other_lang,
        title,
        heading,
        product,
        stylesheet: stylesheet_href(),
        toggle_href: with_language(uri, other_lang),
        csrf_token: visitor.map(Visitor::csrf_token).unwrap_or_default(),
        signed_in: visitor.is_some_and(Visitor::signed_in),
        nav: "",
        problems,
        catalog: Arc::clone(&state.catalog),
    }
}

/// The request's language: `?lang=`, then the session's, then `Accept-Language`, then English.
pub(crate) fn language(uri: &Uri, headers: &HeaderMap, session: Option<Language>) -> Language {
    let query = uri.query().and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "lang")
            .map(|(_, value)| value.into_owned())
    });
    let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    carillon_i18n::negotiate(query.as_deref(), session, accept)
}

/// The same path and query with `lang` set to `language` (other parameters kept, in order).
pub(crate) fn with_language(uri: &Uri, language: Language) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(existing) = uri.query() {
        for (name, value) in form_urlencoded::parse(existing.as_bytes()) {
            if name != "lang" {
                query.append_pair(&name, &value);
            }
        }
    }
    query.append_pair("lang", language.as_str());
    format!("{}?{}", uri.path(), query.finish())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_toggle_keeps_the_path_and_other_parameters() {
        let uri: Uri = "/sign-in?next=%2Fservices&lang=en".parse().unwrap();
        assert_eq!(
            with_language(&uri, Language::French),
            "/sign-in?next=%2Fservices&lang=fr"
        );
        let uri: Uri = "/services".parse().unwrap();
        assert_eq!(with_language(&uri, Language::English), "/services?lang=en");
    }
}
