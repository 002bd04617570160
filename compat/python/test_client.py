"""Runs the official Python client (notifications-python-client, from PyPI) against a live
`carillon demo`.

The demo's JSON line comes in the CARILLON_DEMO environment variable (compat/run sets it).
Every assertion is on what the client library returns or raises, so a failure here is a
failure a real integration would see. References carry a random tag, so the suite can run
against a server that other suites (or earlier runs) have already sent through.
"""

import json
import os
import re
import secrets
import uuid

import pytest
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

PAGE_SIZE = 250  # GC Notify's API_PAGE_SIZE
# GC Notify's DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S.%fZ".
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
RECIPIENT_EMAIL = "compat-python@example.com"
RECIPIENT_PHONE = "+16135550123"
EMAIL_BODY_EN = "Hello Ada,\n\nThis message came from your Carillon demo."
SMS_BODY = "Hello Ada, this text came from your Carillon demo."
TEAM_ONLY = (
    "Can’t send to this recipient using a team-only API key (service {}) - see "
    "https://documentation.notification.canada.ca/en/keys.html#team-and-safelist"
)


def load_demo():
    raw = os.environ.get("CARILLON_DEMO")
    if not raw:
        raise RuntimeError("CARILLON_DEMO is not set: run this through compat/run")
    return json.loads(raw)


DEMO = load_demo()
API_URL = DEMO["api_url"]
SERVICE_ID = DEMO["service_id"]
EMAIL_TEMPLATE = DEMO["templates"]["email"]
SMS_TEMPLATE = DEMO["templates"]["sms"]
# No UUID in it: the client's iterator takes the first UUID it finds in links.next.
TAG = "py-" + secrets.token_hex(6)


def client(key_label):
    return NotificationsAPIClient(DEMO["api_keys"][key_label], base_url=API_URL)


@pytest.fixture(scope="module")
def live():
    return client("live")


@pytest.fixture(scope="module")
def team():
    return client("team")


@pytest.fixture(scope="module")
def test_key():
    return client("test")


def raised(call):
    """The client's HTTPError for a call that must fail."""
    with pytest.raises(HTTPError) as info:
        call()
    return info.value


def v2_errors(error, status, kind, message):
    """A v2 error body surfaces as `message` = the `errors` list, `str` = "<status> - <list>"."""
    assert error.status_code == status, str(error)
    expected = [{"error": kind, "message": message}]
    assert error.message == expected
    assert str(error) == f"{status} - {expected}"


def check_notification_object(n, *, kind, notification_id, template_id, reference):
    assert n["id"] == notification_id
    assert n["type"] == kind
    assert n["reference"] == reference
    assert n["status"] == "created"
    assert n["status_description"] == "In transit"
    assert n["template"] == {
        "id": template_id,
        "version": 1,
        "uri": f"{API_URL}/v2/template/{template_id}/version/1",
    }
    assert DATETIME.match(n["created_at"]), n["created_at"]
    assert n["sent_at"] is None
    assert n["completed_at"] is None
    assert n["scheduled_for"] is None
    for line in ("line_1", "line_2", "line_3", "line_4", "line_5", "line_6", "postcode"):
        assert n[line] is None
    for key in ("provider_response", "created_by_name", "postage"):
        assert key in n


# --- sending ---------------------------------------------------------------------------------


def test_send_email_with_personalisation_reference_and_reply_to(live):
    reference = f"{TAG}-email"
    response = live.send_email_notification(
        email_address=RECIPIENT_EMAIL,
        template_id=EMAIL_TEMPLATE,
        personalisation={"name": "Ada"},
        reference=reference,
        email_reply_to_id=DEMO["email_reply_to_id"],
    )
    notification_id = response["id"]
    assert uuid.UUID(notification_id).version == 4
    assert response["reference"] == reference
    assert response["uri"] == f"{API_URL}/v2/notifications/{notification_id}"
    assert response["template"] == {
        "id": EMAIL_TEMPLATE,
        "version": 1,
        "uri": f"{API_URL}/services/{SERVICE_ID}/templates/{EMAIL_TEMPLATE}",
    }
    content = response["content"]
    assert content["subject"] == "Hello Ada"
    assert EMAIL_BODY_EN in content["body"]
    assert "((name))" not in content["body"]
    assert re.fullmatch(r"demo@[a-z0-9.-]+\.[a-z]+", content["from_email"]), content
    assert response["scheduled_for"] is None

    fetched = live.get_notification_by_id(notification_id)
    check_notification_object(
        fetched,
        kind="email",
        notification_id=notification_id,
        template_id=EMAIL_TEMPLATE,
        reference=reference,
    )
    assert fetched["email_address"] == RECIPIENT_EMAIL
    assert fetched["phone_number"] is None
    assert fetched["subject"] == "Hello Ada"
    assert fetched["body"] == content["body"]


def test_send_email_without_reference(live):
    response = live.send_email_notification(
        RECIPIENT_EMAIL, EMAIL_TEMPLATE, personalisation={"name": "Grace"}
    )
    assert response["reference"] is None
    assert response["content"]["subject"] == "Hello Grace"
    assert live.get_notification_by_id(response["id"])["reference"] is None


def test_send_sms_with_sender(live):
    reference = f"{TAG}-sms"
    response = live.send_sms_notification(
        phone_number=RECIPIENT_PHONE,
        template_id=SMS_TEMPLATE,
        personalisation={"name": "Ada"},
        reference=reference,
        sms_sender_id=DEMO["sms_sender_id"],
    )
    notification_id = response["id"]
    assert response["reference"] == reference
    assert response["uri"] == f"{API_URL}/v2/notifications/{notification_id}"
    assert response["template"] == {
        "id": SMS_TEMPLATE,
        "version": 1,
        "uri": f"{API_URL}/services/{SERVICE_ID}/templates/{SMS_TEMPLATE}",
    }
    assert response["content"] == {"body": SMS_BODY, "from_number": "CARILLON"}

    fetched = live.get_notification_by_id(notification_id)
    check_notification_object(
        fetched,
        kind="sms",
        notification_id=notification_id,
        template_id=SMS_TEMPLATE,
        reference=reference,
    )
    assert fetched["phone_number"] == RECIPIENT_PHONE
    assert fetched["email_address"] is None
    assert fetched["body"] == SMS_BODY
    assert fetched["subject"] is None


def test_test_key_reaches_anyone_and_is_stored_as_created(test_key):
    response = test_key.send_email_notification(
        "anyone-at-all@example.org", EMAIL_TEMPLATE, personalisation={"name": "Test"}
    )
    fetched = test_key.get_notification_by_id(response["id"])
    assert fetched["status"] == "created"
    assert fetched["email_address"] == "anyone-at-all@example.org"


# --- listing ---------------------------------------------------------------------------------


def test_get_all_notifications_with_filters(live):
    reference = f"{TAG}-list"
    email = live.send_email_notification(
        RECIPIENT_EMAIL, EMAIL_TEMPLATE, personalisation={"name": "Ada"}, reference=reference
    )
    sms = live.send_sms_notification(
        RECIPIENT_PHONE, SMS_TEMPLATE, personalisation={"name": "Ada"}, reference=reference
    )

    everything = live.get_all_notifications(reference=reference)
    # Newest first.
    assert [n["id"] for n in everything["notifications"]] == [sms["id"], email["id"]]
    links = everything["links"]
    assert links["current"].startswith(f"{API_URL}/v2/notifications?")
    assert f"reference={reference}" in links["current"]
    assert f"older_than={email['id']}" in links["next"]
    assert f"reference={reference}" in links["next"]

    by_type = live.get_all_notifications(template_type="email", reference=reference)
    assert [n["id"] for n in by_type["notifications"]] == [email["id"]]
    assert "template_type=email" in by_type["links"]["current"]
    by_type = live.get_all_notifications(template_type="sms", reference=reference)
    assert [n["id"] for n in by_type["notifications"]] == [sms["id"]]

    created = live.get_all_notifications(status="created", reference=reference)
    assert {n["id"] for n in created["notifications"]} == {email["id"], sms["id"]}
    for status in ("delivered", "failed", "sending"):
        none = live.get_all_notifications(status=status, reference=reference)
        assert none["notifications"] == [], status
        assert "next" not in none["links"]

    older = live.get_all_notifications(reference=reference, older_than=sms["id"])
    assert [n["id"] for n in older["notifications"]] == [email["id"]]
    assert live.get_all_notifications(reference=reference, older_than=email["id"])[
        "notifications"
    ] == []

    with_jobs = live.get_all_notifications(reference=reference, include_jobs=True)
    assert len(with_jobs["notifications"]) == 2

    combined = live.get_all_notifications(
        status="created", template_type="sms", reference=reference, older_than=None
    )
    assert [n["id"] for n in combined["notifications"]] == [sms["id"]]
    fetched = combined["notifications"][0]
    check_notification_object(
        fetched,
        kind="sms",
        notification_id=sms["id"],
        template_id=SMS_TEMPLATE,
        reference=reference,
    )


def test_reference_with_reserved_characters_round_trips(live):
    # requests encodes the query with `+` for spaces; links must come back decodable.
    reference = f"{TAG} order #42 & co=1+1 é/ü?x"
    sent = live.send_email_notification(
        RECIPIENT_EMAIL, EMAIL_TEMPLATE, personalisation={"name": "Ada"}, reference=reference
    )
    assert sent["reference"] == reference
    page = live.get_all_notifications(reference=reference)
    assert [n["id"] for n in page["notifications"]] == [sent["id"]]
    assert page["notifications"][0]["reference"] == reference
    assert [n["id"] for n in live.get_all_notifications_iterator(reference=reference)] == [sent["id"]]


def test_get_all_notifications_without_filters(live):
    page = live.get_all_notifications()
    assert 0 < len(page["notifications"]) <= PAGE_SIZE
    assert page["links"]["current"] == f"{API_URL}/v2/notifications"


def test_get_all_notifications_iterator_pages(test_key, live):
    reference = f"{TAG}-page"
    count = PAGE_SIZE + 3
    sent = [
        test_key.send_sms_notification(
            RECIPIENT_PHONE, SMS_TEMPLATE, personalisation={"name": str(i)}, reference=reference
        )["id"]
        for i in range(count)
    ]

    first = test_key.get_all_notifications(reference=reference)
    assert len(first["notifications"]) == PAGE_SIZE
    last_id = first["notifications"][-1]["id"]
    assert f"older_than={last_id}" in first["links"]["next"]

    seen = [n["id"] for n in test_key.get_all_notifications_iterator(reference=reference)]
    assert len(seen) == count
    assert seen == list(reversed(sent))

    by_type = list(test_key.get_all_notifications_iterator(template_type="sms", reference=reference))
    assert len(by_type) == count
    assert list(test_key.get_all_notifications_iterator(template_type="email", reference=reference)) == []

    # GC Notify lists only the notifications sent with the caller's key type.
    assert live.get_all_notifications(reference=reference)["notifications"] == []


# GC Notify filters on `letter` like any other type: a service without letters gets nothing.
def test_letter_notification_filter_returns_no_notifications(live):
    reference = f"{TAG}-letter"
    live.send_email_notification(RECIPIENT_EMAIL, EMAIL_TEMPLATE, personalisation={"name": "x"}, reference=reference)
    page = live.get_all_notifications(template_type="letter", reference=reference)
    assert [n["type"] for n in page["notifications"]] == []


def test_letter_template_filter_returns_no_templates(live):
    assert [t["type"] for t in live.get_all_templates(template_type="letter")["templates"]] == []


# --- templates -------------------------------------------------------------------------------


def check_email_template(t):
    assert t["id"] == EMAIL_TEMPLATE
    assert t["type"] == "email"
    assert t["version"] == 1
    assert t["name"] == "Demo email"
    assert t["subject"] == "Hello ((name))"
    assert "Hello ((name))," in t["body"]
    assert t["personalisation"] == {"name": {"required": True}}
    assert DATETIME.match(t["created_at"]), t["created_at"]
    assert "updated_at" in t and "created_by" in t and "postage" in t


def check_sms_template(t):
    assert t["id"] == SMS_TEMPLATE
    assert t["type"] == "sms"
    assert t["version"] == 1
    assert t["name"] == "Demo text message"
    assert t["subject"] is None
    assert t["body"] == "Hello ((name)), this text came from your Carillon demo."
    assert t["personalisation"] == {"name": {"required": True}}


def test_get_template(live):
    check_email_template(live.get_template(EMAIL_TEMPLATE))
    check_sms_template(live.get_template(SMS_TEMPLATE))


def test_get_template_version(live):
    check_email_template(live.get_template_version(EMAIL_TEMPLATE, 1))
    check_sms_template(live.get_template_version(SMS_TEMPLATE, 1))
    v2_errors(raised(lambda: live.get_template_version(EMAIL_TEMPLATE, 99)), 404, "NoResultFound", "No result found")


def test_get_all_templates(live):
    everything = live.get_all_templates()["templates"]
    by_id = {t["id"]: t for t in everything}
    check_email_template(by_id[EMAIL_TEMPLATE])
    check_sms_template(by_id[SMS_TEMPLATE])

    emails = live.get_all_templates(template_type="email")["templates"]
    assert EMAIL_TEMPLATE in {t["id"] for t in emails}
    assert {t["type"] for t in emails} == {"email"}
    texts = live.get_all_templates(template_type="sms")["templates"]
    assert SMS_TEMPLATE in {t["id"] for t in texts}
    assert {t["type"] for t in texts} == {"sms"}


def test_post_template_preview(live):
    email = live.post_template_preview(EMAIL_TEMPLATE, {"name": "Ada"})
    assert email["id"] == EMAIL_TEMPLATE
    assert email["type"] == "email"
    assert email["version"] == 1
    assert email["subject"] == "Hello Ada"
    assert EMAIL_BODY_EN in email["body"]
    assert "Hello Ada," in email["html"]
    assert "postage" in email

    sms = live.post_template_preview(SMS_TEMPLATE, {"name": "Ada"})
    assert sms["id"] == SMS_TEMPLATE
    assert sms["type"] == "sms"
    assert sms["version"] == 1
    assert sms["body"] == SMS_BODY
    assert sms["subject"] is None

    v2_errors(
        raised(lambda: live.post_template_preview(EMAIL_TEMPLATE, {})),
        400,
        "BadRequestError",
        "Missing personalisation: name",
    )


# --- errors, as the client raises them -------------------------------------------------------


def test_invalid_email_address(live):
    error = raised(
        lambda: live.send_email_notification("not-an-email", EMAIL_TEMPLATE, personalisation={"name": "x"})
    )
    v2_errors(error, 400, "ValidationError", "email_address Not a valid email address")


def test_missing_personalisation(live):
    error = raised(lambda: live.send_email_notification(RECIPIENT_EMAIL, EMAIL_TEMPLATE))
    v2_errors(
        error,
        400,
        "BadRequestError",
        f"Missing personalisation for template ID {EMAIL_TEMPLATE}: name",
    )
    error = raised(lambda: live.send_sms_notification(RECIPIENT_PHONE, SMS_TEMPLATE))
    v2_errors(
        error,
        400,
        "BadRequestError",
        f"Missing personalisation for template ID {SMS_TEMPLATE}: name",
    )


def test_unknown_template(live):
    unknown = str(uuid.uuid4())
    error = raised(lambda: live.send_email_notification(RECIPIENT_EMAIL, unknown, personalisation={"name": "x"}))
    v2_errors(error, 400, "BadRequestError", "Template not found")
    error = raised(lambda: live.send_sms_notification(RECIPIENT_PHONE, unknown, personalisation={"name": "x"}))
    v2_errors(error, 400, "BadRequestError", "Template not found")
    v2_errors(raised(lambda: live.get_template(unknown)), 404, "NoResultFound", "No result found")


def test_unknown_reply_to_and_sender(live):
    unknown = str(uuid.uuid4())
    error = raised(
        lambda: live.send_email_notification(
            RECIPIENT_EMAIL, EMAIL_TEMPLATE, personalisation={"name": "x"}, email_reply_to_id=unknown
        )
    )
    v2_errors(
        error,
        400,
        "BadRequestError",
        f"email_reply_to_id {unknown} does not exist in database for service id {SERVICE_ID}",
    )
    error = raised(
        lambda: live.send_sms_notification(
            RECIPIENT_PHONE, SMS_TEMPLATE, personalisation={"name": "x"}, sms_sender_id=unknown
        )
    )
    v2_errors(
        error,
        400,
        "BadRequestError",
        f"sms_sender_id {unknown} does not exist in database for service id {SERVICE_ID}",
    )


def test_team_key_to_a_stranger(team):
    error = raised(
        lambda: team.send_email_notification(RECIPIENT_EMAIL, EMAIL_TEMPLATE, personalisation={"name": "x"})
    )
    v2_errors(error, 400, "BadRequestError", TEAM_ONLY.format(SERVICE_ID))
    error = raised(
        lambda: team.send_sms_notification(RECIPIENT_PHONE, SMS_TEMPLATE, personalisation={"name": "x"})
    )
    v2_errors(error, 400, "BadRequestError", TEAM_ONLY.format(SERVICE_ID))


def test_unknown_notification_id(live):
    error = raised(lambda: live.get_notification_by_id(str(uuid.uuid4())))
    # GC Notify answers this one with its legacy body, which the client surfaces as a string.
    assert error.status_code == 404
    assert error.message == "Notification not found in database"
    assert str(error) == "404 - Notification not found in database"

    error = raised(lambda: live.get_notification_by_id("not-a-uuid"))
    v2_errors(error, 400, "ValidationError", "notification_id is not a valid UUID")


def test_invalid_list_filter(live):
    error = raised(lambda: live.get_all_notifications(template_type="fax"))
    v2_errors(error, 400, "ValidationError", "template_type fax is not one of [sms, letter, email]")


def test_bad_api_key(live):
    wrong_secret = NotificationsAPIClient(
        f"gcntfy-wrong-{SERVICE_ID}-{uuid.uuid4()}", base_url=API_URL
    )
    for call in (
        lambda: wrong_secret.get_all_templates(),
        lambda: wrong_secret.send_email_notification(RECIPIENT_EMAIL, EMAIL_TEMPLATE, personalisation={"name": "x"}),
    ):
        v2_errors(raised(call), 403, "AuthError", "Invalid token: signature, api token not found")

    wrong_service = NotificationsAPIClient(f"gcntfy-wrong-{uuid.uuid4()}-{uuid.uuid4()}", base_url=API_URL)
    v2_errors(
        raised(lambda: wrong_service.get_all_templates()),
        403,
        "AuthError",
        "Invalid token: service not found",
    )


# /v2/manage-template (GC Notify's template API). The client has no methods of its own for it,
# so these use its authenticated requests (get, post, delete, request): the JWT, headers and
# error handling a real integration gets from it. The demo's "manage" key holds
# manage_templates; "live" does not.


@pytest.fixture(scope="module")
def manager():
    return client("manage")


def category(manager, name):
    listed = manager.get("/v2/manage-template/template-categories")["template_categories"]
    return next(c["template_category_id"] for c in listed if c["name"] == name)


def test_manage_template_creates_updates_and_archives(manager):
    created = manager.post(
        "/v2/manage-template",
        {
            "name": f"Compat {TAG}",
            "template_type": "email",
            "subject": "Hello ((name))",
            "content": "Your file ((file)) is ready.",
            "template_category_id": category(manager, "Status update"),
        },
    )
    assert created["version"] == 1
    assert created["type"] == "email"
    assert created["template_category_name"] == "Status update"
    path = f"/v2/manage-template/{created['id']}"
    assert manager.get(path) == created

    updated = manager.request("PATCH", path, data={"content": "Your file ((file)) is ready today."})
    assert updated["version"] == 2
    assert updated["body"] == "Your file ((file)) is ready today."
    assert updated["subject"] == "Hello ((name))", "what is not given is kept"
    # It is a template like any other: the client's own template methods read it.
    assert manager.get_template(created["id"])["body"] == "Your file ((file)) is ready today."

    archived = manager.delete(path)
    assert archived["archived"] is True
    with pytest.raises(HTTPError) as again:
        manager.delete(path)
    assert again.value.status_code == 400
    assert again.value.message == [{"error": "BadRequestError", "message": "Template is already archived."}]


def test_manage_template_refuses_bad_bodies_as_gc_notify_does(manager):
    with pytest.raises(HTTPError) as refused:
        manager.post(
            "/v2/manage-template",
            {"name": "n", "template_type": "email", "content": "c", "template_category_id": category(manager, "Reminder")},
        )
    assert refused.value.status_code == 400
    assert refused.value.message == [{"error": "ValidationError", "message": "subject is a required property"}]


def test_manage_template_refuses_a_key_without_the_permission(live):
    with pytest.raises(HTTPError) as refused:
        live.get("/v2/manage-template/template-categories")
    assert refused.value.status_code == 403
    assert refused.value.message == [
        {"error": "ForbiddenError", "message": "This API key does not have permission to manage templates."}
    ]
