//! The invitation link: joining when signed in, signing in first, registering from it.

use axum::http::StatusCode;
use carillon_domain::{EmailAddress, MemberPermission};

use super::{Fx, PASSWORD, Person, location};
use crate::tests::{get, post, send, session};

#[tokio::test]
async fn a_signed_in_invitee_joins_with_exactly_the_chosen_permissions() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let chosen = vec![
        MemberPermission::SendMessages,
        MemberPermission::ManageTemplates,
    ];
    fx.app
        .invite(&ada.user, service.id, &grace.user.email, chosen, &fx.app)
        .await
        .unwrap();
    let token = fx.invitation_token("grace@example.gc.ca").await;
    let link = format!("/invitation/{token}");

    let signed_out = fx.get_signed_out(&link).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&signed_out),
        format!("/sign-in?next=%2Finvitation%2F{token}")
    );

    let joined = fx.get_as(&grace, &link).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    assert_eq!(
        location(&joined),
        format!("/services/{}/team?done=joined", service.id)
    );
    let mut held = fx
        .app
        .member_permissions(&grace.user, service.id)
        .await
        .unwrap();
    held.sort();
    assert_eq!(
        held,
        vec![
            MemberPermission::ManageTemplates,
            MemberPermission::SendMessages
        ]
    );
    let again = fx.get_as(&grace, &link).await;
    assert_eq!(again.status, StatusCode::GONE, "a used link");
    assert_eq!(
        again.title(),
        "This invitation has already been used – Carillon"
    );
    let unknown = fx.get_as(&grace, "/invitation/not-a-token").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn someone_without_an_account_registers_from_the_invitation() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let address = EmailAddress::parse("newcomer@example.gc.ca").unwrap();
    fx.app
        .invite(
            &ada.user,
            service.id,
            &address,
            vec![MemberPermission::ViewActivity],
            &fx.app,
        )
        .await
        .unwrap();
    let token = fx.invitation_token("newcomer@example.gc.ca").await;
    let link = format!("/invitation/{token}");

    let french = get(&fx.router, &format!("{link}?lang=fr")).await;
    assert_eq!(french.status, StatusCode::OK, "{}", french.body);
    assert!(french.body.contains("<html lang=\"fr\">"));
    let (cookie, csrf) = session(&fx.router, &format!("{link}?lang=en")).await;
    let english = get(&fx.router, &link).await;
    assert_eq!(
        english.title(),
        "Create an account to join the team – Carillon"
    );
    assert!(english.body.contains("newcomer@example.gc.ca"));
    assert!(english.body.contains("Passport renewals"));

    let register = format!("{link}/register");
    let empty = send(
        &fx.router,
        post(&register, &cookie, &[("csrf_token", &csrf)]),
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.title().starts_with("Error: "), "{}", empty.title());
    let refused = send(&fx.router, post(&register, &cookie, &[])).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "no token");

    let fields = [
        ("csrf_token", csrf.as_str()),
        ("name", "New Comer"),
        ("password", PASSWORD),
        ("terms", "yes"),
        // The address is the invitation's: one sent with the form is ignored.
        ("email", "someone-else@example.gc.ca"),
    ];
    let done = send(&fx.router, post(&register, &cookie, &fields)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(location(&done), "/register/check-email");
    assert!(fx.emails_to("someone-else@example.gc.ca").await.is_empty());

    let verify = fx
        .link_token("newcomer@example.gc.ca", "/verify-email/")
        .await;
    let user = fx.app.verify_email(&verify).await.unwrap();
    let newcomer = Person {
        cookie: fx.sign_in("newcomer@example.gc.ca").await,
        user,
    };
    let joined = fx.get_as(&newcomer, &link).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    assert_eq!(
        fx.app
            .member_permissions(&newcomer.user, service.id)
            .await
            .unwrap(),
        vec![MemberPermission::ViewActivity]
    );
}
