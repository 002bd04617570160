"""Runs the official Python client against a `carillon demo` whose delivery worker runs (the
built-in outbox is its provider): notifications read through the client move from `created`
to `delivered`, with the times GC Notify sets on the way.

The demo's JSON line comes in CARILLON_DEMO (compat/run sets it).
"""

import json
import os
import re
import secrets
import time

import pytest
from notifications_python_client.notifications import NotificationsAPIClient

DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
DEADLINE_SECONDS = 30
DEMO = json.loads(os.environ["CARILLON_DEMO"])
TAG = "py-delivery-" + secrets.token_hex(6)


def client(key_label):
    return NotificationsAPIClient(DEMO["api_keys"][key_label], base_url=DEMO["api_url"])


def eventually_delivered(api, notification_id):
    """Reads the notification through the client until it is delivered (or the deadline)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    seen = []
    while True:
        notification = api.get_notification_by_id(notification_id)
        if not seen or seen[-1] != notification["status"]:
            seen.append(notification["status"])
        if notification["status"] == "delivered":
            return notification, seen
        assert time.monotonic() < deadline, f"statuses seen: {seen}"
        time.sleep(0.05)


def check_delivered(notification, seen):
    assert set(seen) <= {"created", "sending", "sent", "delivered"}, seen
    assert notification["status_description"] == "Delivered"
    assert DATETIME.match(notification["sent_at"]), notification["sent_at"]
    assert DATETIME.match(notification["completed_at"]), notification["completed_at"]
    assert notification["created_at"] <= notification["sent_at"] <= notification["completed_at"]


@pytest.mark.parametrize("key_label", ["live", "test"])
def test_email_is_delivered(key_label):
    api = client(key_label)
    response = api.send_email_notification(
        email_address="compat-python@example.com",
        template_id=DEMO["templates"]["email"],
        personalisation={"name": "Ada"},
        reference=f"{TAG}-email-{key_label}",
    )
    notification, seen = eventually_delivered(api, response["id"])
    check_delivered(notification, seen)
    assert notification["reference"] == f"{TAG}-email-{key_label}"


def test_sms_is_delivered():
    api = client("live")
    response = api.send_sms_notification(
        phone_number="+16135550123",
        template_id=DEMO["templates"]["sms"],
        personalisation={"name": "Ada"},
        sms_sender_id=DEMO["sms_sender_id"],
    )
    notification, seen = eventually_delivered(api, response["id"])
    check_delivered(notification, seen)
