//! The two page shapes most pages share: a form with a heading, intro paragraphs and links
//! under it; and a message (a confirmation or a "check your email").

use askama::Template;

use crate::form::{FormView, Msg};
use crate::page::Page;

/// A link under a form or a message.
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub(crate) href: String,
    pub(crate) text: Msg,
}

impl Link {
    pub(crate) fn new(href: impl Into<String>, text: Msg) -> Self {
        Self {
            href: href.into(),
            text,
        }
    }
}

/// A question page: heading, intro, the form, links.
#[derive(Template)]
#[template(path = "components/form_page.html")]
pub(crate) struct FormPage {
    pub(crate) page: Page,
    pub(crate) banner: Option<Msg>,
    pub(crate) intro: Vec<Msg>,
    pub(crate) form: FormView,
    pub(crate) links: Vec<Link>,
}

impl FormPage {
    pub(crate) fn new(page: Page, form: FormView) -> Self {
        Self {
            page,
            banner: None,
            intro: Vec::new(),
            form,
            links: Vec::new(),
        }
    }

    pub(crate) fn intro(mut self, paragraph: Msg) -> Self {
        self.intro.push(paragraph);
        self
    }

    pub(crate) fn link(mut self, link: Link) -> Self {
        self.links.push(link);
        self
    }

    pub(crate) fn banner(mut self, banner: Option<Msg>) -> Self {
        self.banner = banner;
        self
    }
}

/// A page that only tells something: heading, paragraphs, links.
#[derive(Template)]
#[template(path = "components/message_page.html")]
pub(crate) struct MessagePage {
    pub(crate) page: Page,
    pub(crate) banner: Option<Msg>,
    pub(crate) paragraphs: Vec<Msg>,
    pub(crate) links: Vec<Link>,
}

impl MessagePage {
    pub(crate) fn new(page: Page, paragraphs: Vec<Msg>) -> Self {
        Self {
            page,
            banner: None,
            paragraphs,
            links: Vec::new(),
        }
    }

    pub(crate) fn link(mut self, link: Link) -> Self {
        self.links.push(link);
        self
    }
}
