//! The sent messages page: filters, the recipient search and its errors, pages of 50, and the
//! CSV download in the page's language; who may see what.

use axum::http::{StatusCode, header};
use carillon_domain::MemberPermission;

use super::dashboard::sent_emails_to;
use super::{Fx, renders_in_both};

/// The rows of the page's table.
fn rows(body: &str) -> usize {
    body.matches("<tr><td>").count()
}

#[tokio::test]
async fn the_list_is_filtered_searched_and_paged() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    sent_emails_to(&fx, &ada, &service, "Reader.One@example.gc.ca", 3).await;
    sent_emails_to(&fx, &ada, &service, "reader.two@example.gc.ca", 2).await;
    let base = format!("/services/{}/notifications", service.id);
    let all = renders_in_both(&fx, &ada, &base, "Sent messages").await;
    assert_eq!(rows(&all.body), 5, "{}", all.body);
    assert!(all.body.contains("<td>In transit</td>"));

    // The search finds an address however it is written.
    let found = fx
        .get_as(&ada, &format!("{base}?to=%20READER.ONE%40example.gc.ca"))
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(rows(&found.body), 3, "{}", found.body);
    assert!(!found.body.contains("reader.two"));
    // The filter links keep the search.
    assert!(
        found
            .body
            .contains("status=failed&#38;to=READER.ONE%40example.gc.ca"),
        "{}",
        found.body
    );

    for (search, message) in [
        ("nobody@", "Enter a valid email address"),
        ("12ab", "Enter a valid email address or phone number"),
    ] {
        let refused = fx
            .get_as(
                &ada,
                &format!("{base}?to={}", crate::context::encode(search)),
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{search}");
        assert_eq!(refused.title(), "Error: Sent messages – Carillon");
        assert!(
            refused
                .body
                .contains(&format!("<a href=\"#to\">{message}</a>")),
            "{}",
            refused.body
        );
        assert!(
            !refused.body.contains(".csv"),
            "no download of an unclear selection"
        );
    }
    let failed = fx.get_as(&ada, &format!("{base}?status=failed")).await;
    assert!(failed.body.contains("No messages match."));
    assert!(
        failed.body.contains(&format!(
            "href=\"{base}?status=failed\" aria-current=\"page\""
        )),
        "{}",
        failed.body
    );
    let texts = fx.get_as(&ada, &format!("{base}?kind=sms")).await;
    assert_eq!(rows(&texts.body), 0);
}

#[tokio::test]
async fn pages_of_fifty_follow_each_other() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    sent_emails_to(&fx, &ada, &service, "a@example.gc.ca", 120).await;
    let base = format!("/services/{}/notifications", service.id);
    let mut page = fx.get_as(&ada, &base).await;
    let mut seen = 0;
    for expected in [50, 50, 20] {
        assert_eq!(rows(&page.body), expected, "{}", page.body);
        seen += expected;
        let marker = "<a href=\"";
        let next = page
            .body
            .split("<li>")
            .find(|item| item.contains("Older messages"))
            .map(|item| {
                item[item.find(marker).unwrap() + marker.len()..]
                    .split('"')
                    .next()
                    .unwrap()
                    .replace("&#38;", "&")
            });
        match next {
            Some(next) => page = fx.get_as(&ada, &next).await,
            None => {
                assert_eq!(expected, 20, "only the last page has no next link");
                break;
            }
        }
        assert!(page.body.contains("Newest messages"));
    }
    assert_eq!(seen, 120);
}

#[tokio::test]
async fn the_csv_has_the_pages_language_and_only_what_is_selected() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(&ada, &service, &grace, vec![MemberPermission::SendMessages])
        .await;
    sent_emails_to(&fx, &ada, &service, "one@example.gc.ca", 3).await;
    sent_emails_to(&fx, &ada, &service, "two@example.gc.ca", 2).await;
    let base = format!("/services/{}/notifications", service.id);
    let page = fx.get_as(&ada, &base).await;
    assert!(
        page.body.contains(&format!("href=\"{base}.csv\" download")),
        "{}",
        page.body
    );

    let csv = fx
        .get_as(&ada, &format!("{base}.csv?to=two%40example.gc.ca"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(
        csv.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0], "Recipient,Template,Status,Sent at,Last update",
        "{}",
        csv.body
    );
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert!(
        lines[1].starts_with("two@example.gc.ca,Renewal reminder,In transit,"),
        "{}",
        lines[1]
    );
    fx.get_as(&ada, &format!("{base}?lang=fr")).await;
    let french = fx.get_as(&ada, &format!("{base}.csv")).await;
    assert!(
        french
            .body
            .starts_with("Destinataire,Gabarit,État,Envoyé le,Dernière mise à jour"),
        "{}",
        french.body
    );
    assert_eq!(french.body.lines().count(), 6);

    // A sender follows what was sent, without the download.
    let sender = fx.get_as(&grace, &base).await;
    assert_eq!(sender.status, StatusCode::OK);
    assert_eq!(rows(&sender.body), 5);
    assert!(!sender.body.contains(".csv"));
    assert_eq!(
        fx.get_as(&grace, &format!("{base}.csv")).await.status,
        StatusCode::FORBIDDEN
    );
}
