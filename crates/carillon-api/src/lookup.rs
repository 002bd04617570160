//! Cached reads for the request path (see `cache`): what a send or an authentication needs.

use std::sync::Arc;

use carillon_domain::{
    ApiKey, ReplyTo, SafelistEntry, Service, ServiceId, SmsSender, Template, TemplateId,
};

use crate::error::ApiError;
use crate::state::AppState;

impl AppState {
    pub(crate) async fn cached_service(&self, id: ServiceId) -> Result<Option<Service>, ApiError> {
        let store = &self.store;
        self.caches
            .services
            .get_or_load(&id, async || Ok(store.service(id).await?))
            .await
    }

    pub(crate) async fn cached_keys(&self, id: ServiceId) -> Result<Arc<Vec<ApiKey>>, ApiError> {
        let store = &self.store;
        self.caches
            .keys
            .get_or_load(&id, async || Ok(Arc::new(store.api_keys(id).await?)))
            .await
    }

    pub(crate) async fn cached_key_by_secret(
        &self,
        secret: &str,
    ) -> Result<Option<ApiKey>, ApiError> {
        let store = &self.store;
        let key = secret.to_owned();
        self.caches
            .key_by_secret
            .get_or_load(&key, async || Ok(store.api_key_by_secret(secret).await?))
            .await
    }

    pub(crate) async fn cached_template(
        &self,
        service: ServiceId,
        id: TemplateId,
    ) -> Result<Option<Template>, ApiError> {
        let store = &self.store;
        self.caches
            .templates
            .get_or_load(&(service, id), async || {
                Ok(store.template(service, id).await?)
            })
            .await
    }

    pub(crate) async fn cached_reply_tos(
        &self,
        id: ServiceId,
    ) -> Result<Arc<Vec<ReplyTo>>, ApiError> {
        let store = &self.store;
        self.caches
            .reply_tos
            .get_or_load(&id, async || Ok(Arc::new(store.reply_tos(id).await?)))
            .await
    }

    pub(crate) async fn cached_sms_senders(
        &self,
        id: ServiceId,
    ) -> Result<Arc<Vec<SmsSender>>, ApiError> {
        let store = &self.store;
        self.caches
            .sms_senders
            .get_or_load(&id, async || Ok(Arc::new(store.sms_senders(id).await?)))
            .await
    }

    pub(crate) async fn cached_safelist(
        &self,
        id: ServiceId,
    ) -> Result<Arc<Vec<SafelistEntry>>, ApiError> {
        let store = &self.store;
        self.caches
            .safelists
            .get_or_load(&id, async || Ok(Arc::new(store.safelist(id).await?)))
            .await
    }
}
