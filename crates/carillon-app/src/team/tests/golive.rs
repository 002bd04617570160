//! Going live: the checklist computed from the store, the request, the platform admin's
//! decision and the limits it changes.

use carillon_domain::{MemberPermission, Membership, NotificationType, ProcessType};
use carillon_store::GoLiveStatus;

use super::{Fx, Mailbox, on_both_backends};
use crate::team::{ChecklistItem, GoLiveAnswers, TeamError};
use crate::template_admin::CreateTemplate;

on_both_backends!(checklist_follows_the_store, approval_makes_the_service_live,);

fn answers() -> GoLiveAnswers {
    GoLiveAnswers {
        organisation: "Employment and Social Development Canada".to_owned(),
        main_use_cases: vec!["status_updates".to_owned()],
        other_use_case: String::new(),
        intended_recipients: vec!["public".to_owned()],
        daily_email_volume: "1-1000".to_owned(),
        annual_email_volume: "1000-10000".to_owned(),
        daily_sms_volume: "none".to_owned(),
        annual_sms_volume: "none".to_owned(),
    }
}

async fn checklist_follows_the_store(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let service = fx.service(&owner, "Benefits").await;
    let empty = fx
        .app
        .go_live_checklist(&owner, service.id, None, false)
        .await
        .unwrap();
    assert_eq!(
        [empty.use_case, empty.templates, empty.team, empty.terms],
        [ChecklistItem::NotDone; 4]
    );
    let partial = GoLiveAnswers {
        organisation: "ESDC".to_owned(),
        ..GoLiveAnswers::default()
    };
    let checklist = fx
        .app
        .go_live_checklist(&owner, service.id, Some(&partial), true)
        .await;
    let checklist = checklist.unwrap();
    assert_eq!(checklist.use_case, ChecklistItem::InProgress);
    assert_eq!(checklist.terms, ChecklistItem::Done);

    // An invited second manager is in progress; once a member, done.
    let mailbox = Mailbox::default();
    let second = fx.user("Second", false).await;
    let all = MemberPermission::ALL.to_vec();
    fx.app
        .invite(&owner, service.id, &second.email, all, &mailbox)
        .await
        .unwrap();
    let checklist = fx
        .app
        .go_live_checklist(&owner, service.id, None, false)
        .await
        .unwrap();
    assert_eq!(checklist.team, ChecklistItem::InProgress);
    let token = mailbox.token_for(second.email.as_str());
    fx.app
        .accept_invitation(&token, Some(&second))
        .await
        .unwrap();
    let template = CreateTemplate {
        name: "Welcome".to_owned(),
        kind: NotificationType::Email,
        subject: Some("Hello".to_owned()),
        content: "Hello".to_owned(),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
        process_type_override: None,
        created_by: None,
    };
    fx.app.create_template(service.id, template).await.unwrap();
    let checklist = fx
        .app
        .go_live_checklist(&owner, service.id, Some(&answers()), true)
        .await;
    assert!(checklist.unwrap().is_complete());
    let stranger = fx.user("Stranger", false).await;
    let denied = fx
        .app
        .go_live_checklist(&stranger, service.id, None, true)
        .await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
}

async fn approval_makes_the_service_live(fx: &Fx) {
    let owner = fx.user("Owner", false).await;
    let second = fx.user("Second", false).await;
    let admin = fx.user("Admin", true).await;
    let service = fx.service(&owner, "Benefits").await;

    // Without a template and a second manager, the request is refused.
    let refused = fx
        .app
        .request_go_live(&owner, service.id, &answers(), true)
        .await;
    let Err(TeamError::ChecklistIncomplete(checklist)) = refused else {
        panic!("expected ChecklistIncomplete, got {refused:?}")
    };
    assert_eq!(checklist.templates, ChecklistItem::NotDone);
    assert_eq!(checklist.use_case, ChecklistItem::Done);

    let membership = Membership {
        service: service.id,
        user: second.id,
        permissions: vec![MemberPermission::ManageService],
    };
    fx.app.store().put_membership(&membership).await.unwrap();
    let template = CreateTemplate {
        name: "Code".to_owned(),
        kind: NotificationType::Sms,
        subject: None,
        content: "Your code".to_owned(),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
        process_type_override: None,
        created_by: None,
    };
    fx.app.create_template(service.id, template).await.unwrap();
    let refused = fx
        .app
        .request_go_live(&owner, service.id, &answers(), false)
        .await;
    assert!(
        matches!(refused, Err(TeamError::ChecklistIncomplete(_))),
        "{refused:?}"
    );
    let request = fx
        .app
        .request_go_live(&owner, service.id, &answers(), true)
        .await
        .unwrap();
    assert_eq!(request.status, GoLiveStatus::Pending);
    let banner = fx.app.go_live_request(&second, service.id).await.unwrap();
    assert_eq!(banner, Some(request.clone()));

    // Only platform admins see and decide requests.
    let denied = fx.app.go_live_requests(&owner).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    let denied = fx.app.approve_go_live(&owner, service.id).await;
    assert!(matches!(denied, Err(TeamError::Forbidden)), "{denied:?}");
    assert_eq!(fx.app.go_live_requests(&admin).await.unwrap(), [request]);

    let approved = fx.app.approve_go_live(&admin, service.id).await.unwrap();
    assert_eq!(approved.status, GoLiveStatus::Approved);
    assert_eq!(approved.decided_by, Some(admin.id));
    let live = fx.app.service(service.id).await.unwrap();
    assert!(!live.restricted);
    assert_eq!(
        (live.email_daily_limit, live.sms_daily_limit),
        (10_000, 1_500)
    );
    assert!(fx.app.go_live_requests(&admin).await.unwrap().is_empty());
    let again = fx.app.approve_go_live(&admin, service.id).await;
    assert!(
        matches!(again, Err(TeamError::NoPendingRequest)),
        "{again:?}"
    );
    let again = fx
        .app
        .request_go_live(&owner, service.id, &answers(), true)
        .await;
    assert!(matches!(again, Err(TeamError::AlreadyLive)), "{again:?}");
    let actions = fx.actions(&service).await;
    assert!(actions.ends_with(&["go_live.requested".to_owned(), "service.live".to_owned()]));
}
