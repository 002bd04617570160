//! Form parts the templates draw: message ids, fields, a checkbox, the problems found in what
//! was submitted, and the form itself with its CSRF token.

use crate::security::CSRF_FIELD;

/// The id of a message in the catalogues. Every id the code uses is wrapped in this type where it is written, so
/// the catalogue test can find them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Msg(pub(crate) &'static str);

impl Msg {
    pub(crate) fn id(self) -> &'static str {
        self.0
    }
}

/// Something wrong with what was submitted, linked from the error summary to its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The id of the field to fix.
    pub(crate) field: &'static str,
    pub(crate) message: Msg,
}

impl Problem {
    pub(crate) fn new(field: &'static str, message: Msg) -> Self {
        Self { field, message }
    }
}

/// A text input with its label, hint and error.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The element id, and the name it is submitted under.
    pub(crate) id: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) label: Msg,
    pub(crate) hint: Option<Msg>,
    pub(crate) error: Option<Msg>,
    pub(crate) value: String,
    pub(crate) autocomplete: &'static str,
    pub(crate) inputmode: Option<&'static str>,
    /// A width class for short inputs (codes).
    pub(crate) width: &'static str,
}

impl Field {
    fn new(id: &'static str, kind: &'static str, label: Msg, autocomplete: &'static str) -> Self {
        Self {
            id,
            kind,
            label,
            hint: None,
            error: None,
            value: String::new(),
            autocomplete,
            inputmode: None,
            width: "",
        }
    }

    pub(crate) fn text(id: &'static str, label: Msg, autocomplete: &'static str) -> Self {
        Self::new(id, "text", label, autocomplete)
    }

    pub(crate) fn email(id: &'static str, label: Msg) -> Self {
        Self::new(id, "email", label, "email")
    }

    /// A password input. Its value is never sent back to the browser.
    pub(crate) fn password(id: &'static str, label: Msg, autocomplete: &'static str) -> Self {
        Self::new(id, "password", label, autocomplete)
    }

    /// A one-time code: digits on phone keyboards, filled in from the message where the
    /// browser can.
    pub(crate) fn code(id: &'static str, label: Msg) -> Self {
        let mut field = Self::new(id, "text", label, "one-time-code");
        field.inputmode = Some("numeric");
        field.width = "input-short";
        field
    }

    pub(crate) fn hint(mut self, hint: Msg) -> Self {
        self.hint = Some(hint);
        self
    }

    pub(crate) fn value(mut self, value: &str) -> Self {
        if self.kind != "password" {
            value.clone_into(&mut self.value);
        }
        self
    }

    /// Marks the field with the first of `problems` about it.
    pub(crate) fn problems(mut self, problems: &[Problem]) -> Self {
        self.error = problems
            .iter()
            .find(|p| p.field == self.id)
            .map(|p| p.message);
        self
    }

    /// The ids of the hint and error, for `aria-describedby`.
    pub(crate) fn describedby(&self) -> Option<String> {
        let hint = self.hint.map(|_| format!("{}-hint", self.id));
        let error = self.error.map(|_| format!("{}-error", self.id));
        match (hint, error) {
            (Some(hint), Some(error)) => Some(format!("{hint} {error}")),
            (hint, error) => hint.or(error),
        }
    }
}

/// A single checkbox (agreeing to the terms).
#[derive(Debug, Clone)]
pub(crate) struct Checkbox {
    pub(crate) id: &'static str,
    pub(crate) label: Msg,
    pub(crate) checked: bool,
    pub(crate) error: Option<Msg>,
    /// A link inside the label: what is agreed to must be readable from where it is agreed.
    pub(crate) link: Option<CheckboxLink>,
}

/// A link in a checkbox's label.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckboxLink {
    pub(crate) href: &'static str,
    pub(crate) text: Msg,
}

impl Checkbox {
    pub(crate) fn new(id: &'static str, label: Msg, checked: bool, problems: &[Problem]) -> Self {
        let error = problems.iter().find(|p| p.field == id).map(|p| p.message);
        Self {
            id,
            label,
            checked,
            error,
            link: None,
        }
    }

    /// Links the terms of use (`/terms`) from the label.
    pub(crate) fn terms_link(mut self) -> Self {
        self.link = Some(CheckboxLink {
            href: "/terms",
            text: Msg("terms-read"),
        });
        self
    }
}

/// A form posting to `action`, with the session's CSRF token.
#[derive(Debug, Clone)]
pub(crate) struct FormView {
    pub(crate) action: String,
    pub(crate) fields: Vec<Field>,
    pub(crate) checkbox: Option<Checkbox>,
    pub(crate) submit: Msg,
    pub(crate) csrf_token: String,
    pub(crate) csrf_field: &'static str,
}

impl FormView {
    pub(crate) fn new(action: impl Into<String>, submit: Msg, csrf_token: String) -> Self {
        Self {
            action: action.into(),
            fields: Vec::new(),
            checkbox: None,
            submit,
            csrf_token,
            csrf_field: CSRF_FIELD,
        }
    }

    pub(crate) fn field(mut self, field: Field) -> Self {
        self.fields.push(field);
        self
    }

    pub(crate) fn checkbox(mut self, checkbox: Checkbox) -> Self {
        self.checkbox = Some(checkbox);
        self
    }
}
