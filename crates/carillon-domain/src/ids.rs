//! Typed identifiers: a `ServiceId` can never be passed where a `TemplateId` is expected.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

/// Text that is not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("is not a valid UUID")]
pub struct IdError;

macro_rules! id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new random identifier.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            /// Wraps an existing UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }

            /// Parses the hyphenated form (any case, surrounding spaces refused).
            ///
            /// # Errors
            /// [`IdError`] when the text is not a UUID.
            pub fn parse(text: &str) -> Result<Self, IdError> {
                Uuid::try_parse(text).map(Self).map_err(|_| IdError)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    )*};
}

id! {
    /// A service: one department's sending identity.
    ServiceId;
    /// A template (all its versions share it).
    TemplateId;
    /// A template category (GC Notify's), which sets a template's delivery lane.
    TemplateCategoryId;
    /// One notification (email or SMS to one recipient).
    NotificationId;
    /// An API key.
    ApiKeyId;
    /// An email reply-to address of a service.
    ReplyToId;
    /// An SMS sender of a service.
    SmsSenderId;
    /// A safelist entry of a service.
    SafelistId;
    /// A bulk send (GC Notify's job).
    JobId;
    /// A person who signs in to the web app.
    UserId;
    /// An invitation to join a service.
    InvitationId;
    /// A security key (WebAuthn credential) of a user.
    SecurityKeyId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_hyphenated() {
        let text = "6af522d0-2915-4e52-83a3-3690455a5fe6";
        let id = ServiceId::parse(text).unwrap();
        assert_eq!(id.to_string(), text);
        assert_eq!(ServiceId::parse(&text.to_uppercase()).unwrap(), id);
        assert_eq!(ServiceId::parse("not-a-uuid"), Err(IdError));
        assert_eq!(ServiceId::parse(""), Err(IdError));
    }
}
