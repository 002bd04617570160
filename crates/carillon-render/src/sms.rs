//! SMS text: GC Notify's character downgrading, GSM-7 or unicode detection, units and fragments.
//! (Interface placeholder: being written.)

/// How an SMS travels on the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsEncoding {
    /// GSM 03.38 7-bit: 160 units in one fragment, 153 per fragment when split.
    Gsm7,
    /// UCS-2: 70 units in one fragment, 67 per fragment when split.
    Unicode,
}

/// A rendered SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsMessage {
    /// The text without the service-name prefix (the API's `content.body`).
    pub body: String,
    /// The text as sent, with the prefix when there is one.
    pub content: String,
    /// Units of `content` (extension characters count 2 in GSM-7).
    pub units: usize,
    /// Fragments `content` is billed as.
    pub fragments: usize,
    /// Encoding of `content`.
    pub encoding: SmsEncoding,
}

/// Replaces characters outside GC Notify's SMS set.
pub fn downgrade(text: &str) -> String {
    text.to_owned()
}

/// The encoding `text` (already downgraded) travels in.
pub fn encoding_of(_text: &str) -> SmsEncoding {
    SmsEncoding::Gsm7
}

/// Units `text` (already downgraded) costs.
pub fn count_units(text: &str) -> usize {
    text.chars().count()
}

/// Fragments a message of `units` units is billed as.
pub fn fragment_count(units: usize, _encoding: SmsEncoding) -> usize {
    units
}

/// Turns personalised template text into the SMS that is sent.
pub(crate) fn finish(filled: &str, prefix: Option<&str>) -> SmsMessage {
    let body = downgrade(filled);
    let content = match prefix {
        Some(prefix) => format!("{prefix}: {body}"),
        None => body.clone(),
    };
    let encoding = encoding_of(&content);
    let units = count_units(&content);
    SmsMessage { body, fragments: fragment_count(units, encoding), units, content, encoding }
}
