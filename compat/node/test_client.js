// Runs the official Node client (notifications-node-client, from npm) against a live
// `carillon demo`.
//
// The demo's JSON line comes in the CARILLON_DEMO environment variable (compat/run sets it).
// Every assertion is on what the client library resolves or rejects with (axios responses and
// errors), so a failure here is a failure a real integration would see. References carry a
// random tag, so the suite can run against a server other suites have already sent through.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { NotifyClient } = require('notifications-node-client');

if (!process.env.CARILLON_DEMO) {
  throw new Error('CARILLON_DEMO is not set: run this through compat/run');
}
const DEMO = JSON.parse(process.env.CARILLON_DEMO);
const API_URL = DEMO.api_url;
const SERVICE_ID = DEMO.service_id;
const EMAIL_TEMPLATE = DEMO.templates.email;
const SMS_TEMPLATE = DEMO.templates.sms;
const TAG = 'node-' + crypto.randomBytes(6).toString('hex');

// GC Notify's DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S.%fZ".
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const RECIPIENT_EMAIL = 'compat-node@example.com';
const RECIPIENT_PHONE = '+16135550124';
const EMAIL_BODY_EN = 'Hello Ada,\n\nThis message came from your Carillon demo.';
const SMS_BODY = 'Hello Ada, this text came from your Carillon demo.';
const TEAM_ONLY =
  `Can’t send to this recipient using a team-only API key (service ${SERVICE_ID}) - see ` +
  'https://documentation.notification.canada.ca/en/keys.html#team-and-safelist';

const live = new NotifyClient(API_URL, DEMO.api_keys.live);
const team = new NotifyClient(API_URL, DEMO.api_keys.team);
const testKey = new NotifyClient(API_URL, DEMO.api_keys.test);

/** The axios error of a call that must fail with an HTTP answer. */
async function rejected(promise) {
  try {
    const response = await promise;
    assert.fail(`expected an error, got ${response.status} ${JSON.stringify(response.data)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    assert.ok(error.response, `no HTTP response: ${error}`);
    return error;
  }
}

/** A v2 error body: `{"status_code": N, "errors": [{"error", "message"}]}`. */
async function assertV2Error(promise, status, kind, message) {
  const error = await rejected(promise);
  assert.equal(error.response.status, status, JSON.stringify(error.response.data));
  assert.deepEqual(error.response.data, {
    status_code: status,
    errors: [{ error: kind, message }],
  });
}

function checkNotificationObject(n, { kind, id, templateId, reference }) {
  assert.equal(n.id, id);
  assert.equal(n.type, kind);
  assert.equal(n.reference, reference);
  assert.equal(n.status, 'created');
  assert.equal(n.status_description, 'In transit');
  assert.deepEqual(n.template, {
    id: templateId,
    version: 1,
    uri: `${API_URL}/v2/template/${templateId}/version/1`,
  });
  assert.match(n.created_at, DATETIME);
  assert.equal(n.sent_at, null);
  assert.equal(n.completed_at, null);
  assert.equal(n.scheduled_for, null);
  for (const key of ['line_1', 'line_2', 'line_3', 'line_4', 'line_5', 'line_6', 'postcode']) {
    assert.equal(n[key], null, key);
  }
  for (const key of ['provider_response', 'created_by_name', 'postage']) {
    assert.ok(key in n, key);
  }
}

test('sendEmail with personalisation, reference and emailReplyToId', async () => {
  const reference = `${TAG}-email`;
  const response = await live.sendEmail(EMAIL_TEMPLATE, RECIPIENT_EMAIL, {
    personalisation: { name: 'Ada' },
    reference,
    emailReplyToId: DEMO.email_reply_to_id,
  });
  assert.equal(response.status, 201);
  const body = response.data;
  assert.match(body.id, UUID);
  assert.equal(body.reference, reference);
  assert.equal(body.uri, `${API_URL}/v2/notifications/${body.id}`);
  assert.deepEqual(body.template, {
    id: EMAIL_TEMPLATE,
    version: 1,
    uri: `${API_URL}/services/${SERVICE_ID}/templates/${EMAIL_TEMPLATE}`,
  });
  assert.equal(body.content.subject, 'Hello Ada');
  assert.ok(body.content.body.includes(EMAIL_BODY_EN), body.content.body);
  assert.ok(!body.content.body.includes('((name))'));
  assert.match(body.content.from_email, /^demo@[a-z0-9.-]+\.[a-z]+$/);
  assert.equal(body.scheduled_for, null);

  const fetched = await live.getNotificationById(body.id);
  assert.equal(fetched.status, 200);
  checkNotificationObject(fetched.data, {
    kind: 'email',
    id: body.id,
    templateId: EMAIL_TEMPLATE,
    reference,
  });
  assert.equal(fetched.data.email_address, RECIPIENT_EMAIL);
  assert.equal(fetched.data.phone_number, null);
  assert.equal(fetched.data.subject, 'Hello Ada');
  assert.equal(fetched.data.body, body.content.body);
});

test('sendEmail without options', async () => {
  const error = await rejected(live.sendEmail(EMAIL_TEMPLATE, RECIPIENT_EMAIL));
  // No personalisation at all: the template's ((name)) is missing.
  assert.equal(error.response.status, 400);
  const response = await live.sendEmail(EMAIL_TEMPLATE, RECIPIENT_EMAIL, {
    personalisation: { name: 'Grace' },
  });
  assert.equal(response.data.reference, null);
  assert.equal(response.data.content.subject, 'Hello Grace');
});

test('sendSms with smsSenderId', async () => {
  const reference = `${TAG}-sms`;
  const response = await live.sendSms(SMS_TEMPLATE, RECIPIENT_PHONE, {
    personalisation: { name: 'Ada' },
    reference,
    smsSenderId: DEMO.sms_sender_id,
  });
  assert.equal(response.status, 201);
  const body = response.data;
  assert.equal(body.reference, reference);
  assert.equal(body.uri, `${API_URL}/v2/notifications/${body.id}`);
  assert.deepEqual(body.template, {
    id: SMS_TEMPLATE,
    version: 1,
    uri: `${API_URL}/services/${SERVICE_ID}/templates/${SMS_TEMPLATE}`,
  });
  assert.deepEqual(body.content, { body: SMS_BODY, from_number: 'CARILLON' });

  const fetched = (await live.getNotificationById(body.id)).data;
  checkNotificationObject(fetched, { kind: 'sms', id: body.id, templateId: SMS_TEMPLATE, reference });
  assert.equal(fetched.phone_number, RECIPIENT_PHONE);
  assert.equal(fetched.email_address, null);
  assert.equal(fetched.body, SMS_BODY);
  assert.equal(fetched.subject, null);
});

test('the test key reaches anyone and the notification stays created', async () => {
  const response = await testKey.sendSms(SMS_TEMPLATE, '+16135550199', {
    personalisation: { name: 'Test' },
  });
  const fetched = (await testKey.getNotificationById(response.data.id)).data;
  assert.equal(fetched.status, 'created');
  assert.equal(fetched.phone_number, '+16135550199');
});

test('getNotifications with filters and paging by olderThanId', async () => {
  const reference = `${TAG}-list`;
  const sent = [];
  for (const name of ['one', 'two', 'three']) {
    sent.push(
      (
        await live.sendEmail(EMAIL_TEMPLATE, RECIPIENT_EMAIL, {
          personalisation: { name },
          reference,
        })
      ).data.id,
    );
  }
  const sms = (
    await live.sendSms(SMS_TEMPLATE, RECIPIENT_PHONE, { personalisation: { name: 'x' }, reference })
  ).data.id;
  const newestFirst = [sms, ...sent.slice().reverse()];

  const all = await live.getNotifications(undefined, undefined, reference);
  assert.equal(all.status, 200);
  assert.deepEqual(
    all.data.notifications.map((n) => n.id),
    newestFirst,
  );
  assert.ok(all.data.links.current.startsWith(`${API_URL}/v2/notifications?`), all.data.links.current);
  assert.ok(all.data.links.current.includes(`reference=${reference}`));
  const next = new URL(all.data.links.next);
  assert.equal(next.searchParams.get('older_than'), sent[0]);
  assert.equal(next.searchParams.get('reference'), reference);

  const emails = await live.getNotifications('email', undefined, reference);
  assert.deepEqual(
    emails.data.notifications.map((n) => n.id),
    sent.slice().reverse(),
  );
  const texts = await live.getNotifications('sms', 'created', reference);
  assert.deepEqual(
    texts.data.notifications.map((n) => n.id),
    [sms],
  );
  checkNotificationObject(texts.data.notifications[0], {
    kind: 'sms',
    id: sms,
    templateId: SMS_TEMPLATE,
    reference,
  });

  const created = await live.getNotifications(undefined, 'created', reference);
  assert.equal(created.data.notifications.length, 4);
  for (const status of ['delivered', 'failed', 'permanent-failure']) {
    const none = await live.getNotifications(undefined, status, reference);
    assert.deepEqual(none.data.notifications, [], status);
    assert.ok(!('next' in none.data.links));
  }

  // Walk the pages the way an integration does: older_than = the last id seen.
  const older = await live.getNotifications(undefined, undefined, reference, sent[2]);
  assert.deepEqual(
    older.data.notifications.map((n) => n.id),
    [sent[1], sent[0]],
  );
  const oldest = await live.getNotifications('email', 'created', reference, sent[1]);
  assert.deepEqual(
    oldest.data.notifications.map((n) => n.id),
    [sent[0]],
  );
  const past = await live.getNotifications(undefined, undefined, reference, sent[0]);
  assert.deepEqual(past.data.notifications, []);

  // GC Notify lists only the notifications sent with the caller's key type.
  const other = await testKey.getNotifications(undefined, undefined, reference);
  assert.deepEqual(other.data.notifications, []);
});

test('a reference with reserved characters round-trips', async () => {
  // The client encodes the query with encodeURIComponent (%20 for spaces).
  const reference = `${TAG} order #42 & co=1+1 é/ü?x`;
  const sent = (
    await live.sendEmail(EMAIL_TEMPLATE, RECIPIENT_EMAIL, { personalisation: { name: 'Ada' }, reference })
  ).data;
  assert.equal(sent.reference, reference);
  const page = (await live.getNotifications(undefined, undefined, reference)).data;
  assert.deepEqual(
    page.notifications.map((n) => n.id),
    [sent.id],
  );
  assert.equal(page.notifications[0].reference, reference);
  assert.equal(new URL(page.links.next).searchParams.get('reference'), reference);
});

test('getNotifications("letter") returns no notifications', async () => {
  const reference = `${TAG}-letter`;
  await live.sendEmail(EMAIL_TEMPLATE, RECIPIENT_EMAIL, { personalisation: { name: 'x' }, reference });
  const page = (await live.getNotifications('letter', undefined, reference)).data;
  assert.deepEqual(page.notifications, []);
  assert.equal(page.links.next, undefined);
});

test('getAllTemplates("letter") returns no templates', async () => {
  const templates = (await live.getAllTemplates('letter')).data.templates;
  assert.deepEqual(templates, []);
});

test('getNotifications without filters', async () => {
  const page = await live.getNotifications();
  assert.ok(page.data.notifications.length > 0);
  assert.ok(page.data.notifications.length <= 250);
  assert.equal(page.data.links.current, `${API_URL}/v2/notifications`);
});

function checkEmailTemplate(t) {
  assert.equal(t.id, EMAIL_TEMPLATE);
  assert.equal(t.type, 'email');
  assert.equal(t.version, 1);
  assert.equal(t.name, 'Demo email');
  assert.equal(t.subject, 'Hello ((name))');
  assert.ok(t.body.includes('Hello ((name)),'));
  assert.deepEqual(t.personalisation, { name: { required: true } });
  assert.match(t.created_at, DATETIME);
  for (const key of ['updated_at', 'created_by', 'postage']) {
    assert.ok(key in t, key);
  }
}

function checkSmsTemplate(t) {
  assert.equal(t.id, SMS_TEMPLATE);
  assert.equal(t.type, 'sms');
  assert.equal(t.version, 1);
  assert.equal(t.name, 'Demo text message');
  assert.equal(t.subject, null);
  assert.equal(t.body, 'Hello ((name)), this text came from your Carillon demo.');
  assert.deepEqual(t.personalisation, { name: { required: true } });
}

test('getTemplateById', async () => {
  const email = await live.getTemplateById(EMAIL_TEMPLATE);
  assert.equal(email.status, 200);
  checkEmailTemplate(email.data);
  checkSmsTemplate((await live.getTemplateById(SMS_TEMPLATE)).data);
  await assertV2Error(
    live.getTemplateById(crypto.randomUUID()),
    404,
    'NoResultFound',
    'No result found',
  );
});

test('getTemplateByIdAndVersion', async () => {
  checkEmailTemplate((await live.getTemplateByIdAndVersion(EMAIL_TEMPLATE, 1)).data);
  checkSmsTemplate((await live.getTemplateByIdAndVersion(SMS_TEMPLATE, 1)).data);
  await assertV2Error(
    live.getTemplateByIdAndVersion(EMAIL_TEMPLATE, 99),
    404,
    'NoResultFound',
    'No result found',
  );
});

test('getAllTemplates with and without a type', async () => {
  const all = (await live.getAllTemplates()).data.templates;
  const byId = Object.fromEntries(all.map((t) => [t.id, t]));
  checkEmailTemplate(byId[EMAIL_TEMPLATE]);
  checkSmsTemplate(byId[SMS_TEMPLATE]);

  const emails = (await live.getAllTemplates('email')).data.templates;
  assert.ok(emails.some((t) => t.id === EMAIL_TEMPLATE));
  assert.deepEqual([...new Set(emails.map((t) => t.type))], ['email']);
  const texts = (await live.getAllTemplates('sms')).data.templates;
  assert.ok(texts.some((t) => t.id === SMS_TEMPLATE));
  assert.deepEqual([...new Set(texts.map((t) => t.type))], ['sms']);
});

test('previewTemplateById', async () => {
  const email = await live.previewTemplateById(EMAIL_TEMPLATE, { name: 'Ada' });
  assert.equal(email.status, 200);
  assert.equal(email.data.id, EMAIL_TEMPLATE);
  assert.equal(email.data.type, 'email');
  assert.equal(email.data.version, 1);
  assert.equal(email.data.subject, 'Hello Ada');
  assert.ok(email.data.body.includes(EMAIL_BODY_EN), email.data.body);
  assert.ok(email.data.html.includes('Hello Ada,'), email.data.html);
  assert.ok('postage' in email.data);

  const sms = (await live.previewTemplateById(SMS_TEMPLATE, { name: 'Ada' })).data;
  assert.equal(sms.id, SMS_TEMPLATE);
  assert.equal(sms.type, 'sms');
  assert.equal(sms.body, SMS_BODY);
  assert.equal(sms.subject, null);

  // Without personalisation the client posts `{}`.
  await assertV2Error(
    live.previewTemplateById(EMAIL_TEMPLATE),
    400,
    'BadRequestError',
    'Missing personalisation: name',
  );
});

test('error: invalid email address', async () => {
  await assertV2Error(
    live.sendEmail(EMAIL_TEMPLATE, 'not-an-email', { personalisation: { name: 'x' } }),
    400,
    'ValidationError',
    'email_address Not a valid email address',
  );
});

test('error: missing personalisation', async () => {
  await assertV2Error(
    live.sendEmail(EMAIL_TEMPLATE, RECIPIENT_EMAIL, { personalisation: { other: 'x' } }),
    400,
    'BadRequestError',
    `Missing personalisation for template ID ${EMAIL_TEMPLATE}: name`,
  );
  await assertV2Error(
    live.sendSms(SMS_TEMPLATE, RECIPIENT_PHONE),
    400,
    'BadRequestError',
    `Missing personalisation for template ID ${SMS_TEMPLATE}: name`,
  );
});

test('error: unknown template', async () => {
  const unknown = crypto.randomUUID();
  await assertV2Error(
    live.sendEmail(unknown, RECIPIENT_EMAIL, { personalisation: { name: 'x' } }),
    400,
    'BadRequestError',
    'Template not found',
  );
  await assertV2Error(
    live.sendSms(unknown, RECIPIENT_PHONE, { personalisation: { name: 'x' } }),
    400,
    'BadRequestError',
    'Template not found',
  );
});

test('error: unknown reply-to address and SMS sender', async () => {
  const unknown = crypto.randomUUID();
  await assertV2Error(
    live.sendEmail(EMAIL_TEMPLATE, RECIPIENT_EMAIL, {
      personalisation: { name: 'x' },
      emailReplyToId: unknown,
    }),
    400,
    'BadRequestError',
    `email_reply_to_id ${unknown} does not exist in database for service id ${SERVICE_ID}`,
  );
  await assertV2Error(
    live.sendSms(SMS_TEMPLATE, RECIPIENT_PHONE, { personalisation: { name: 'x' }, smsSenderId: unknown }),
    400,
    'BadRequestError',
    `sms_sender_id ${unknown} does not exist in database for service id ${SERVICE_ID}`,
  );
});

test('error: team key to a recipient outside the safelist', async () => {
  await assertV2Error(
    team.sendEmail(EMAIL_TEMPLATE, RECIPIENT_EMAIL, { personalisation: { name: 'x' } }),
    400,
    'BadRequestError',
    TEAM_ONLY,
  );
  await assertV2Error(
    team.sendSms(SMS_TEMPLATE, RECIPIENT_PHONE, { personalisation: { name: 'x' } }),
    400,
    'BadRequestError',
    TEAM_ONLY,
  );
});

test('error: unknown notification id', async () => {
  const error = await rejected(live.getNotificationById(crypto.randomUUID()));
  assert.equal(error.response.status, 404);
  // GC Notify answers this one with its legacy body.
  assert.deepEqual(error.response.data, {
    result: 'error',
    message: 'Notification not found in database',
  });
  await assertV2Error(
    live.getNotificationById('not-a-uuid'),
    400,
    'ValidationError',
    'notification_id is not a valid UUID',
  );
});

test('error: bad API key', async () => {
  const wrongSecret = new NotifyClient(API_URL, `gcntfy-wrong-${SERVICE_ID}-${crypto.randomUUID()}`);
  await assertV2Error(
    wrongSecret.getAllTemplates(),
    403,
    'AuthError',
    'Invalid token: signature, api token not found',
  );
  await assertV2Error(
    wrongSecret.sendSms(SMS_TEMPLATE, RECIPIENT_PHONE, { personalisation: { name: 'x' } }),
    403,
    'AuthError',
    'Invalid token: signature, api token not found',
  );
  const wrongService = new NotifyClient(
    API_URL,
    `gcntfy-wrong-${crypto.randomUUID()}-${crypto.randomUUID()}`,
  );
  await assertV2Error(
    wrongService.getNotifications(),
    403,
    'AuthError',
    'Invalid token: service not found',
  );
});
