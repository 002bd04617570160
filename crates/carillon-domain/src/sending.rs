//! What a recipient sees as the sender: the local part of a service's From address and the
//! sender text of its text messages, each checked by GC Notify's rules when it is made.

/// The sending domain of an install that has not set one: under `.invalid`, the top-level
/// domain reserved never to exist (RFC 2606, RFC 6761), so mail sent with it can never pass
/// as another organisation's (GC Notify's own `notification.canada.ca` was the default
/// before), and its name says what to do wherever it shows (the outbox, `from_email`).
pub const PLACEHOLDER_SENDING_DOMAIN: &str = "sending-domain-not-set.invalid";

/// Implements `Display`, `AsRef<str>`, `TryFrom<String>` and serde (as a string, parsed when
/// read) for a newtype over `String` with a `parse` constructor.
macro_rules! text_newtype {
    ($name:ident, $error:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = $error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::parse(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

mod local_part;
mod sms_from;

pub use local_part::{EmailLocalPart, EmailLocalPartError};
pub use sms_from::{SmsFrom, SmsFromError};
