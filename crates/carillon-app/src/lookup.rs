//! Cached reads for the request path (see `cache`): what a send or an authentication needs.
//! Each is the store's answer, at most the cache's time-to-live old.

use std::sync::Arc;

use carillon_domain::{
    ApiKey, ReplyTo, SafelistEntry, Service, ServiceId, SmsSender, Template, TemplateId,
};

use carillon_store::StoreError;

use crate::App;
use crate::transient::retrying;

impl App {
    pub async fn cached_service(&self, id: ServiceId) -> Result<Option<Service>, StoreError> {
        let store = &self.store;
        self.caches
            .services
            .get_or_load(&id, async || retrying(|| store.service(id)).await)
            .await
    }

    pub async fn cached_keys(&self, id: ServiceId) -> Result<Arc<Vec<ApiKey>>, StoreError> {
        let store = &self.store;
        self.caches
            .keys
            .get_or_load(&id, async || {
                retrying(|| store.api_keys(id)).await.map(Arc::new)
            })
            .await
    }

    pub async fn cached_key_by_secret(&self, secret: &str) -> Result<Option<ApiKey>, StoreError> {
        let store = &self.store;
        let key = secret.to_owned();
        self.caches
            .key_by_secret
            .get_or_load(&key, async || {
                retrying(|| store.api_key_by_secret(secret)).await
            })
            .await
    }

    pub async fn cached_template(
        &self,
        service: ServiceId,
        id: TemplateId,
    ) -> Result<Option<Template>, StoreError> {
        let store = &self.store;
        self.caches
            .templates
            .get_or_load(&(service, id), async || {
                retrying(|| store.template(service, id)).await
            })
            .await
    }

    pub async fn cached_reply_tos(&self, id: ServiceId) -> Result<Arc<Vec<ReplyTo>>, StoreError> {
        let store = &self.store;
        self.caches
            .reply_tos
            .get_or_load(&id, async || {
                retrying(|| store.reply_tos(id)).await.map(Arc::new)
            })
            .await
    }

    pub async fn cached_sms_senders(
        &self,
        id: ServiceId,
    ) -> Result<Arc<Vec<SmsSender>>, StoreError> {
        let store = &self.store;
        self.caches
            .sms_senders
            .get_or_load(&id, async || {
                retrying(|| store.sms_senders(id)).await.map(Arc::new)
            })
            .await
    }

    pub async fn cached_safelist(
        &self,
        id: ServiceId,
    ) -> Result<Arc<Vec<SafelistEntry>>, StoreError> {
        let store = &self.store;
        self.caches
            .safelists
            .get_or_load(&id, async || {
                retrying(|| store.safelist(id)).await.map(Arc::new)
            })
            .await
    }
}
