//! The platform admin's account pages: find an account by address, suspend it behind a
//! confirmation (its session ends at once), resume it; refused to everyone else.

use axum::http::StatusCode;
use carillon_domain::UserState;

use super::{Fx, location, renders_in_both};

#[tokio::test]
async fn platform_admins_find_suspend_and_resume_accounts() {
    let fx = Fx::new().await;
    let admin = fx.person("Root", true).await;
    let ada = fx.person("Ada", false).await;
    renders_in_both(&fx, &admin, "/admin/users", "Find an account").await;

    let empty = fx
        .post_as(&admin, "/admin/users", "/admin/users", &[("email", "")])
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty
            .body
            .contains("<a href=\"#email\">Enter an email address</a>"),
        "{}",
        empty.body
    );
    let invalid = fx
        .post_as(&admin, "/admin/users", "/admin/users", &[("email", "ada")])
        .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert!(
        invalid.body.contains("in the correct format"),
        "{}",
        invalid.body
    );
    let unknown = fx
        .post_as(
            &admin,
            "/admin/users",
            "/admin/users",
            &[("email", "nobody@example.gc.ca")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.body.contains("No account has this email address"));

    let found = fx
        .post_as(
            &admin,
            "/admin/users",
            "/admin/users",
            &[("email", "ADA@example.gc.ca")],
        )
        .await;
    assert_eq!(found.status, StatusCode::SEE_OTHER, "{}", found.body);
    let page = format!("/admin/users/{}", ada.user.id);
    assert_eq!(location(&found), page);
    let shown = renders_in_both(&fx, &admin, &page, "Account administration").await;
    assert!(shown.body.contains("ada@example.gc.ca") && shown.body.contains("Active"));
    let confirm = format!("{page}/suspend");
    renders_in_both(&fx, &admin, &confirm, "Suspend this account").await;

    // Nobody else reaches these pages or their actions.
    for uri in ["/admin/users", page.as_str(), confirm.as_str()] {
        assert_eq!(
            fx.get_as(&ada, uri).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }
    let refused = fx
        .post_as(
            &ada,
            "/services",
            &format!("/admin/users/{}/suspend", admin.user.id),
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let suspended = fx.post_as(&admin, &confirm, &confirm, &[]).await;
    assert_eq!(
        suspended.status,
        StatusCode::SEE_OTHER,
        "{}",
        suspended.body
    );
    assert_eq!(location(&suspended), format!("{page}?done=suspended"));
    let stored = fx
        .app
        .user_for_admin(&admin.user, ada.user.id)
        .await
        .unwrap();
    assert_eq!(stored.state, UserState::Suspended);
    // Ada's session ended: her next request is sent to sign in.
    let signed_out = fx.get_as(&ada, "/services").await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    assert!(
        location(&signed_out).starts_with("/sign-in"),
        "{}",
        location(&signed_out)
    );

    let resume = format!("{page}/resume");
    renders_in_both(&fx, &admin, &resume, "Resume this account").await;
    let resumed = fx.post_as(&admin, &resume, &resume, &[]).await;
    assert_eq!(location(&resumed), format!("{page}?done=resumed"));
    let stored = fx
        .app
        .user_for_admin(&admin.user, ada.user.id)
        .await
        .unwrap();
    assert_eq!(stored.state, UserState::Active);

    // A platform admin cannot suspend themselves.
    let own = format!("/admin/users/{}/suspend", admin.user.id);
    let yourself = fx.post_as(&admin, &own, &own, &[]).await;
    assert_eq!(yourself.status, StatusCode::FORBIDDEN);
    assert_eq!(
        fx.get_as(&admin, "/admin/users/not-an-id").await.status,
        StatusCode::NOT_FOUND
    );
}
