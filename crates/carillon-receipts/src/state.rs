//! What the receipts handlers share: the store, the clock, the SNS verifier and its settings.

use std::sync::Arc;

use carillon_domain::Clock;
use carillon_store::Store;

use crate::certs::SnsVerifier;

/// Which SNS messages are accepted.
#[derive(Debug, Clone, Default)]
pub struct ReceiptsSettings {
    /// Origins (`scheme://host[:port]`) trusted for SNS signing certificates and subscription
    /// confirmations besides `https://sns.<region>.amazonaws.com` (tests, private endpoints).
    pub sns_trusted_origins: Vec<String>,
    /// When not empty, the receipts endpoints accept SNS messages from these topics only.
    pub sns_topic_arns: Vec<String>,
}

/// Shared state of the receipts endpoints.
#[derive(Debug, Clone)]
pub struct ReceiptsState {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) sns: Arc<SnsVerifier>,
}

impl ReceiptsState {
    /// State over `store`; signing certificates are cached in it, so share one per process.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: ReceiptsSettings) -> Self {
        let sns = Arc::new(SnsVerifier::new(
            settings.sns_trusted_origins,
            settings.sns_topic_arns,
        ));
        Self { store, clock, sns }
    }
}
