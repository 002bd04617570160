//! Reply-to verification: links emailed in both languages, resent, expiring, single use, and
//! which address becomes the default.

use carillon_domain::ReplyTo;

use super::{Fx, on_both_backends};
use crate::team::TeamError;

on_both_backends!(reply_to_addresses_are_verified_by_their_link);

/// An added address waits until its emailed link is opened (once, within a day); a new link
/// replaces the old; the first verified address, or one added as the default, is the default.
async fn reply_to_addresses_are_verified_by_their_link(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let service = fx.service(&owner, "Verify").await;
    let first = fx
        .app
        .add_service_reply_to(&owner, service.id, "first@example.gc.ca", false)
        .await
        .unwrap();
    let second = fx
        .app
        .add_service_reply_to(&owner, service.id, "second@example.gc.ca", true)
        .await
        .unwrap();
    let email = fx.reply_to_email("first@example.gc.ca").await;
    assert!(email.contains("Verify this reply-to address"), "{email}");
    assert!(
        email.contains("Vérifiez cette adresse"),
        "both languages: {email}"
    );

    // A link resent replaces the first one; links expire after a day.
    let old = fx.reply_to_token("first@example.gc.ca").await;
    fx.app
        .resend_reply_to_verification(&owner, service.id, first.id)
        .await
        .unwrap();
    let new = fx.reply_to_token("first@example.gc.ca").await;
    assert_ne!(old, new);
    let invalid = |r: Result<ReplyTo, TeamError>| matches!(r, Err(TeamError::ReplyToLinkInvalid));
    assert!(invalid(fx.app.verify_reply_to(&old).await));
    fx.clock.advance(time::Duration::hours(25));
    assert!(invalid(fx.app.verify_reply_to(&new).await));
    fx.app
        .resend_reply_to_verification(&owner, service.id, first.id)
        .await
        .unwrap();
    let fresh = fx.reply_to_token("first@example.gc.ca").await;

    // The first verified address becomes the default, though not asked to.
    let verified = fx.app.verify_reply_to(&fresh).await.unwrap();
    assert!(verified.verified && verified.is_default, "{verified:?}");
    assert!(invalid(fx.app.verify_reply_to(&fresh).await), "single use");
    // A verified address has no link to resend.
    let again = fx
        .app
        .resend_reply_to_verification(&owner, service.id, first.id)
        .await;
    assert!(matches!(again, Err(TeamError::NotFound)), "{again:?}");

    // The second was added as the default: it takes over once verified, its link (expired
    // with the clock moved on) sent again without the wish, which is kept.
    fx.app
        .resend_reply_to_verification(&owner, service.id, second.id)
        .await
        .unwrap();
    let token = fx.reply_to_token("second@example.gc.ca").await;
    let verified = fx.app.verify_reply_to(&token).await.unwrap();
    assert!(verified.is_default);
    let listed = fx.app.service_reply_tos(&owner, service.id).await.unwrap();
    let defaults: Vec<bool> = listed.iter().map(|r| r.is_default).collect();
    assert_eq!(defaults, [false, true]);
    assert_eq!(listed[1].id, second.id);
    let actions = fx.actions(&service).await;
    assert!(
        actions.iter().filter(|a| *a == "reply_to.verified").count() == 2,
        "{actions:?}"
    );

    // Someone without manage settings cannot have links sent.
    let viewer = fx.user("Viewer", false).await;
    let third = fx
        .app
        .add_service_reply_to(&owner, service.id, "third@example.gc.ca", false)
        .await
        .unwrap();
    let denied = fx
        .app
        .resend_reply_to_verification(&viewer, service.id, third.id)
        .await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    // A third, verified without asking, is not the default: there is one.
    let token = fx.reply_to_token("third@example.gc.ca").await;
    assert!(!fx.app.verify_reply_to(&token).await.unwrap().is_default);
}
