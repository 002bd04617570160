// Runs the official Node client against a `carillon demo` whose delivery worker runs (the
// built-in outbox is its provider): notifications read through the client move from `created`
// to `delivered`, with the times GC Notify sets on the way.
//
// The demo's JSON line comes in CARILLON_DEMO (compat/run sets it).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { NotifyClient } = require('notifications-node-client');

const DEMO = JSON.parse(process.env.CARILLON_DEMO);
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const DEADLINE_MS = 30000;
const TAG = 'node-delivery-' + crypto.randomBytes(6).toString('hex');

function client(label) {
  return new NotifyClient(DEMO.api_url, DEMO.api_keys[label]);
}

/** Reads the notification through the client until it is delivered (or the deadline). */
async function eventuallyDelivered(api, id) {
  const deadline = Date.now() + DEADLINE_MS;
  const seen = [];
  for (;;) {
    const { data } = await api.getNotificationById(id);
    if (seen[seen.length - 1] !== data.status) seen.push(data.status);
    if (data.status === 'delivered') return { notification: data, seen };
    assert.ok(Date.now() < deadline, `statuses seen: ${seen}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function checkDelivered({ notification, seen }) {
  for (const status of seen) {
    assert.ok(['created', 'sending', 'sent', 'delivered'].includes(status), `${seen}`);
  }
  assert.equal(notification.status_description, 'Delivered');
  assert.match(notification.sent_at, DATETIME);
  assert.match(notification.completed_at, DATETIME);
  assert.ok(notification.created_at <= notification.sent_at);
  assert.ok(notification.sent_at <= notification.completed_at);
}

for (const label of ['live', 'test']) {
  test(`an email sent with the ${label} key is delivered`, async () => {
    const api = client(label);
    const reference = `${TAG}-email-${label}`;
    const response = await api.sendEmail(DEMO.templates.email, 'compat-node@example.com', {
      personalisation: { name: 'Ada' },
      reference,
    });
    const result = await eventuallyDelivered(api, response.data.id);
    checkDelivered(result);
    assert.equal(result.notification.reference, reference);
  });
}

test('a text message is delivered', async () => {
  const api = client('live');
  const response = await api.sendSms(DEMO.templates.sms, '+16135550124', {
    personalisation: { name: 'Ada' },
    smsSenderId: DEMO.sms_sender_id,
  });
  checkDelivered(await eventuallyDelivered(api, response.data.id));
});
