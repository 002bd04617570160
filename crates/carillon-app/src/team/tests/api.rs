//! API keys, safelist, reply-to addresses and callbacks as members manage them.

use std::sync::atomic::{AtomicUsize, Ordering};

use carillon_domain::{ApiKeyId, KeyType, MemberPermission, Membership};
use carillon_store::CallbackKind;

use super::{Fx, on_both_backends};
use crate::callbacks::CallbackError;
use crate::team::{Actor, CallbackProbe, TeamError};

on_both_backends!(
    keys_need_the_permission_and_live_mode,
    safelist_and_reply_tos,
    callbacks_saved_tested_and_removed,
);

async fn keys_need_the_permission_and_live_mode(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let sender = fx.user("Sender", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let membership = Membership {
        service: service.id,
        user: sender.id,
        permissions: vec![MemberPermission::SendMessages],
    };
    fx.app.store().put_membership(&membership).await.unwrap();
    let denied = fx
        .app
        .create_service_api_key(&sender, service.id, "Key", KeyType::Test)
        .await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let denied = fx.app.service_api_keys(&sender, service.id).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");

    let live = fx
        .app
        .create_service_api_key(&owner, service.id, "Live", KeyType::Normal)
        .await;
    assert!(matches!(live, Err(TeamError::LiveKeyInTrial)), "{live:?}");
    let team = fx
        .app
        .create_service_api_key(&owner, service.id, "Team", KeyType::Team)
        .await;
    let team = team.unwrap();
    assert!(team.full_key.starts_with("gcntfy-team-"));
    let again = fx
        .app
        .create_service_api_key(&owner, service.id, "Team", KeyType::Test)
        .await;
    assert!(
        matches!(again, Err(TeamError::DuplicateKeyName)),
        "{again:?}"
    );
    let blank = fx
        .app
        .create_service_api_key(&owner, service.id, " ", KeyType::Test)
        .await;
    assert!(matches!(blank, Err(TeamError::InvalidKeyName)), "{blank:?}");

    fx.app.make_live(Actor::Cli, service.id).await.unwrap();
    let live = fx
        .app
        .create_service_api_key(&owner, service.id, "Live", KeyType::Normal)
        .await;
    assert_eq!(live.unwrap().key.key_type, KeyType::Normal);
    fx.app
        .revoke_service_api_key(&owner, service.id, team.key.id)
        .await
        .unwrap();
    let keys = fx.app.service_api_keys(&owner, service.id).await.unwrap();
    assert_eq!(keys.len(), 2);
    assert!(
        keys.iter()
            .any(|k| k.id == team.key.id && k.revoked_at.is_some())
    );
    let missing = fx
        .app
        .revoke_service_api_key(&owner, service.id, ApiKeyId::new())
        .await;
    assert!(matches!(missing, Err(TeamError::NotFound)), "{missing:?}");
    let actions = fx.actions(&service).await;
    assert!(actions.ends_with(&["api_key.created".to_owned(), "api_key.revoked".to_owned()]));
    let events = fx
        .app
        .store()
        .audit_events(Some(service.id), 10)
        .await
        .unwrap();
    assert!(events.iter().all(|e| !e.detail.contains(&team.key.secret)));
}

async fn safelist_and_reply_tos(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let entries = vec![
        "a@example.gc.ca".to_owned(),
        " ".to_owned(),
        "613-555-0123".to_owned(),
    ];
    let saved = fx
        .app
        .set_service_safelist(&owner, service.id, &entries)
        .await
        .unwrap();
    assert_eq!(saved.len(), 2);
    let bad = vec!["b@example.gc.ca".to_owned(), "nobody".to_owned()];
    let refused = fx.app.set_service_safelist(&owner, service.id, &bad).await;
    assert!(
        matches!(refused, Err(TeamError::Safelist(_))),
        "{refused:?}"
    );
    let listed = fx.app.service_safelist(&owner, service.id).await.unwrap();
    assert_eq!(
        listed, saved,
        "nothing changed, and team members are not listed"
    );
    let replaced = vec!["c@example.gc.ca".to_owned()];
    fx.app
        .set_service_safelist(&owner, service.id, &replaced)
        .await
        .unwrap();
    let listed = fx.app.service_safelist(&owner, service.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].recipient, "c@example.gc.ca");
    // The owner's team entry stays.
    let all = fx.app.safelist(service.id).await.unwrap();
    assert!(all.iter().any(|e| e.team_member));

    let private = fx
        .app
        .add_service_reply_to(&owner, service.id, "reply@gmail.com", false)
        .await;
    assert!(
        matches!(private, Err(TeamError::ReplyToDomainNotAllowed)),
        "{private:?}"
    );
    let invalid = fx
        .app
        .add_service_reply_to(&owner, service.id, "not an address", false)
        .await;
    assert!(matches!(invalid, Err(TeamError::ReplyTo(_))), "{invalid:?}");
    // A team member's own domain is allowed too.
    let mut partner = fx.user("Partner", false).await;
    partner.email = carillon_domain::EmailAddress::parse("p@agency.example.org").unwrap();
    fx.app.store().update_user(&partner).await.unwrap();
    let other = "desk@agency.example.org";
    let refused = fx
        .app
        .add_service_reply_to(&owner, service.id, other, false)
        .await;
    assert!(
        matches!(refused, Err(TeamError::ReplyToDomainNotAllowed)),
        "{refused:?}"
    );
    let membership = Membership {
        service: service.id,
        user: partner.id,
        permissions: vec![MemberPermission::ViewActivity],
    };
    fx.app.store().put_membership(&membership).await.unwrap();
    let partner_reply = fx
        .app
        .add_service_reply_to(&owner, service.id, other, false)
        .await;
    let partner_reply = partner_reply.unwrap();
    assert!(
        !partner_reply.verified && !partner_reply.is_default,
        "waiting for verification, so not the default yet"
    );
    let added = fx
        .app
        .add_service_reply_to(&owner, service.id, "reply@example.gc.ca", true)
        .await;
    let added = added.unwrap();
    assert!(!added.is_default);
    let listed = fx.app.service_reply_tos(&owner, service.id).await.unwrap();
    assert_eq!(listed, [partner_reply.clone(), added.clone()]);
    let viewer = fx.user("Viewer", false).await;
    let membership = Membership {
        service: service.id,
        user: viewer.id,
        permissions: vec![MemberPermission::ViewActivity],
    };
    fx.app.store().put_membership(&membership).await.unwrap();
    let denied = fx
        .app
        .remove_service_reply_to(&viewer, service.id, added.id)
        .await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    fx.app
        .remove_service_reply_to(&owner, service.id, added.id)
        .await
        .unwrap();
    let left = fx.app.service_reply_tos(&owner, service.id).await.unwrap();
    assert_eq!(left.len(), 1);
    // The removed address's link no longer works.
    let token = fx.reply_to_token("reply@example.gc.ca").await;
    let refused = fx.app.verify_reply_to(&token).await;
    assert!(
        matches!(refused, Err(TeamError::ReplyToLinkInvalid)),
        "{refused:?}"
    );
}

/// Answers health checks with a fixed status and counts them.
struct Probe {
    status: u16,
    loopback: bool,
    calls: AtomicUsize,
}

impl Probe {
    fn answering(status: u16) -> Self {
        Self {
            status,
            loopback: false,
            calls: AtomicUsize::new(0),
        }
    }
}

impl CallbackProbe for Probe {
    async fn post_health_check(&self, _url: &str, _token: &str) -> Result<u16, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(self.status)
    }

    fn allow_loopback(&self) -> bool {
        self.loopback
    }
}

async fn callbacks_saved_tested_and_removed(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let kind = CallbackKind::DeliveryStatus;
    let token = "a-long-enough-token";
    let ok = Probe::answering(200);
    for url in [
        "https://localhost/cb",
        "https://127.0.0.1/cb",
        "http://receiver.example.ca/cb",
    ] {
        let refused = fx
            .app
            .save_service_callback(&owner, service.id, kind, url, token, &ok)
            .await;
        let refused = refused.map(|_| ());
        assert!(
            matches!(refused, Err(TeamError::Callback(CallbackError::NotHttps))),
            "{url}"
        );
    }
    assert_eq!(
        ok.calls.load(Ordering::SeqCst),
        0,
        "refused before any request"
    );
    let missing = Probe::answering(404);
    let url = "https://receiver.example.ca/cb";
    let refused = fx
        .app
        .save_service_callback(&owner, service.id, kind, url, token, &missing)
        .await;
    let refused = refused.map(|_| ());
    assert!(matches!(
        refused,
        Err(TeamError::Callback(CallbackError::HealthCheck(_)))
    ));
    let (config, test) = fx
        .app
        .save_service_callback(&owner, service.id, kind, url, token, &ok)
        .await
        .unwrap();
    assert_eq!((config.url.as_str(), test.status), (url, 200));
    assert!(!test.is_slow());
    let again = fx
        .app
        .test_service_callback(&owner, service.id, kind, &ok)
        .await
        .unwrap();
    assert_eq!(again.status, 200);
    assert_eq!(ok.calls.load(Ordering::SeqCst), 2);
    let failing = fx
        .app
        .test_service_callback(&owner, service.id, kind, &missing)
        .await;
    assert!(matches!(
        failing,
        Err(TeamError::Callback(CallbackError::HealthCheck(_)))
    ));

    // A deployment that allows loopback receivers accepts them.
    let local = Probe {
        loopback: true,
        ..Probe::answering(204)
    };
    let complaint = CallbackKind::Complaint;
    let url = "http://127.0.0.1:9/cb";
    let saved = fx
        .app
        .save_service_callback(&owner, service.id, complaint, url, token, &local);
    assert_eq!(saved.await.unwrap().1.status, 204);
    assert_eq!(
        fx.app
            .service_callbacks(&owner, service.id)
            .await
            .unwrap()
            .len(),
        2
    );
    fx.app
        .remove_service_callback(&owner, service.id, kind)
        .await
        .unwrap();
    let gone = fx
        .app
        .test_service_callback(&owner, service.id, kind, &ok)
        .await;
    assert!(
        matches!(gone, Err(TeamError::Callback(CallbackError::NotSet(_)))),
        "{gone:?}"
    );
    let actions = fx.actions(&service).await;
    assert!(actions.ends_with(&["callback.saved".to_owned(), "callback.removed".to_owned()]));
}
