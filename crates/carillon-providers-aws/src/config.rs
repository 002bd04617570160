//! Where the AWS clients point and how they authenticate: the region, an optional endpoint
//! (moto or LocalStack in tests), and credentials from the SDK's standard chain (environment,
//! shared profile files, web identity, ECS and EC2 instance roles).

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

/// GC Notify's home region.
pub const DEFAULT_REGION: &str = "ca-central-1";
/// Requests one batch keeps in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 10;
/// The longest one API call may take, retries included.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings shared by the SES and SNS providers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    pub region: String,
    /// Sends every request here instead of AWS (e.g. `http://127.0.0.1:5000` for moto).
    pub endpoint_url: Option<String>,
}

impl Default for AwsSettings {
    fn default() -> Self {
        Self {
            region: DEFAULT_REGION.to_owned(),
            endpoint_url: None,
        }
    }
}

impl AwsSettings {
    /// The SDK configuration: these settings plus the standard credential chain. Credentials
    /// are looked up on first use, not here.
    pub async fn load(&self) -> SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            );
        if let Some(url) = &self.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        loader.load().await
    }
}
