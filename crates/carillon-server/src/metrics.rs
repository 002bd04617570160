//! Prometheus metrics, served on their own listener and never on the public port: counters
//! of a deployment are for its operators, not for every client of the API.

use std::sync::OnceLock;

use axum::Router;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::error::ServerError;

/// `GET /metrics` in Prometheus text format. The recorder is installed once per process, the
/// first time a metrics listener is served; without one, recording costs nothing.
pub(crate) fn router() -> Result<Router, ServerError> {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    let handle = match HANDLE.get() {
        Some(handle) => handle.clone(),
        None => {
            let handle = PrometheusBuilder::new()
                .install_recorder()
                .map_err(|e| ServerError::Metrics(e.to_string()))?;
            HANDLE.get_or_init(|| handle).clone()
        }
    };
    Ok(Router::new().route("/metrics", get(move || std::future::ready(handle.render()))))
}
