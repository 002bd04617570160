// API keys end to end: from the sign-in page to a new key with the keyboard only (focus always
// visible), the key shown once; the key sending an email through the official Python client, then
// refused within seconds of being revoked in the browser; and a trial service refused a live key.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, describe, test } from 'node:test';

import { codeIn, secret } from '../lib/carillon.mjs';
import { checkErrorState, checkPage, tabTo, withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import { addService, signIn, submitMain } from '../lib/flows.mjs';
import * as settings from '../lib/settings.mjs';

/** The service id in a service path (`/services/<id>`). */
const idOf = (service) => service.split('/').pop();

/** Sends an email with notifications-python-client: `{ ok, id }` or `{ ok: false, status }`. */
const SEND = `
import json, os
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

client = NotificationsAPIClient(os.environ["CARILLON_KEY"], base_url=os.environ["CARILLON_BASE"])
try:
    sent = client.send_email_notification(
        email_address=os.environ["CARILLON_TO"], template_id=os.environ["CARILLON_TEMPLATE"],
        personalisation={"name": "Keyboard"})
    print(json.dumps({"ok": True, "id": sent["id"]}))
except HTTPError as error:
    print(json.dumps({"ok": False, "status": error.status_code}))
`;

/** Runs SEND with the key in the environment (never on a command line `ps` shows). */
function pythonSend(key, to, template) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CARILLON_KEY: key, CARILLON_BASE: run.carillon.baseUrl, CARILLON_TO: to, CARILLON_TEMPLATE: template };
    execFile(settings.python, ['-c', SEND], { env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the Python client failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

/** Presses `key` and waits for the page it leads to. */
async function pressAndWait(page, key) {
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
  return response;
}

/** Tabs to the link whose href ends with `suffix` and follows it with Enter. */
async function followLink(page, suffix) {
  await tabTo(page, (f) => f.tag === 'a' && f.inMain && (f.href ?? '').endsWith(suffix), 60);
  await pressAndWait(page, 'Enter');
}

/** Tabs to the main form's submit button and presses Enter. */
async function pressSubmit(page) {
  await tabTo(page, (f) => f.tag === 'button' && f.inMain && f.type === 'submit', 20);
  return pressAndWait(page, 'Enter');
}

describe('API keys', () => {
  before(freshServer);

  // Shared by the tests below, in order: the keyboard test makes the service and the key.
  const made = { user: null, service: null, key: null, ctx: null };

  test('keyboard only: sign in, add a service, create a key; the key is shown once', async () => {
    made.user = await run.carillon.createUser({ name: 'Keyboard Person', prefix: 'keys-keyboard' });
    const { user } = made;
    made.ctx = await context();
    const page = await made.ctx.newPage();
    const seen = await run.carillon.emailIds(user.email);
    await page.goto(withLang('/sign-in', 'en'));
    await tabTo(page, (f) => f.name === 'email');
    await page.keyboard.type(user.email);
    await tabTo(page, (f) => f.name === 'password', 3);
    await page.keyboard.type(user.password);
    await pressAndWait(page, 'Enter');
    const code = codeIn(await run.carillon.waitForEmail(user.email, { seen }));
    await tabTo(page, (f) => f.name === 'code');
    await page.keyboard.type(code);
    await pressSubmit(page);
    assert.equal(new URL(page.url()).pathname, '/sign-in/continue');
    await tabTo(page, (f) => f.name === 'terms');
    await page.keyboard.press('Space');
    await pressSubmit(page);
    assert.equal(new URL(page.url()).pathname, '/services');

    // A service, with the keyboard.
    await followLink(page, '/add-service');
    await tabTo(page, (f) => f.id === 'language-en');
    await page.keyboard.press('Space');
    const name = `Keyboard ${randomBytes(4).toString('hex')}`;
    await tabTo(page, (f) => f.name === 'name', 5);
    await page.keyboard.type(name);
    await tabTo(page, (f) => f.name === 'email_from', 5);
    await page.keyboard.type(`keyboard.${randomBytes(4).toString('hex')}`);
    await pressSubmit(page);
    assert.equal(new URL(page.url()).pathname, '/services', 'adding a service returns to your services');
    await tabTo(page, (f) => f.tag === 'a' && f.text === name, 60);
    await pressAndWait(page, 'Enter');
    made.service = new URL(page.url()).pathname;
    assert.match(made.service, /^\/services\/[0-9a-f-]{36}$/);

    // Its API integration, its keys, a new key: a team key (the first choice a trial service has).
    await followLink(page, '/api');
    await followLink(page, '/api/keys');
    await followLink(page, '/api/keys/create');
    await tabTo(page, (f) => f.name === 'name');
    await page.keyboard.type('Keyboard key');
    const radio = await tabTo(page, (f) => f.name === 'key_type', 5);
    assert.equal(radio.value, 'team', 'the live key is not offered to a trial service: team comes first');
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate(() => document.activeElement.checked), true, 'Space chose the team key');
    await pressSubmit(page);
    assert.equal(new URL(page.url()).pathname, `${made.service}/api/keys/created`);
    await checkPage(page, 'api-key-created', 'en');
    made.key = secret((await page.locator('#api-key').innerText()).trim());
    assert.ok(made.key.length > 70, 'the whole key is shown');

    // Shown once: reloading, or coming back to its address, shows the list without it.
    for (const visit of [() => page.reload(), () => page.goto(withLang(`${made.service}/api/keys/created`, 'en'))]) {
      await visit();
      assert.equal(new URL(page.url()).pathname, `${made.service}/api/keys`);
      assert.ok(!(await page.content()).includes(made.key.slice(-36)), 'the key is not shown again');
    }
  });

  test('the key sends an email with the official Python client, and is refused soon after revoking', async () => {
    assert.ok(made.key, 'the keyboard test made a key');
    const page = await made.ctx.newPage();
    try {
      const template = JSON.parse(
        await run.carillon.cli([
          'template', 'create', '--service', idOf(made.service), '--type', 'email', '--name', 'Keyboard',
          '--subject', 'Sent by the Python client', '--content', 'Hello ((name))', '--json',
        ]),
      ).id;
      const seen = await run.carillon.emailIds(made.user.email);
      const sent = await pythonSend(made.key, made.user.email, template);
      assert.equal(sent.ok, true, `the client sent: ${JSON.stringify(sent)}`);
      const email = await run.carillon.waitForEmail(made.user.email, { seen });
      assert.equal(email.subject, 'Sent by the Python client');

      // Revoked in the browser, after its confirmation page.
      await page.goto(withLang(`${made.service}/api/keys`, 'en'));
      await Promise.all([page.waitForNavigation(), page.locator('main a[href$="/revoke"]').click()]);
      await checkPage(page, 'api-key-revoke', 'en');
      await submitMain(page);
      assert.equal(new URL(page.url()).pathname, `${made.service}/api/keys`);
      assert.equal(await page.locator('main a[href$="/revoke"]').count(), 0, 'no key left to revoke');
      const revokedAt = Date.now();
      let answer;
      for (;;) {
        answer = await pythonSend(made.key, made.user.email, template);
        if (!answer.ok || Date.now() - revokedAt > 10_000) break;
        await sleep(250);
      }
      assert.equal(answer.ok, false, 'the revoked key still sent 10 s after revoking');
      assert.equal(answer.status, 403, `refused as GC Notify refuses a revoked key: ${JSON.stringify(answer)}`);
    } finally {
      await page.close();
      await made.ctx?.close();
    }
  });

  test('a trial service cannot create a live key', async () => {
    const user = await run.carillon.createUser({ prefix: 'keys-trial' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      await signIn(page, user);
      const service = await addService(page);
      await page.goto(withLang(`${service}/api/keys/create`, 'en'));
      assert.equal(await page.locator('#key_type-normal').isDisabled(), true, 'the live option is disabled');
      // Sent anyway (as a hand-made request would): refused with the error summary.
      await page.locator('input[name="name"]').fill('Sneaky live key');
      await page.locator('#key_type-team').check();
      await page.route('**/api/keys/create*', (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        const form = new URLSearchParams(route.request().postData() ?? '');
        form.set('key_type', 'normal');
        return route.continue({ postData: form.toString() });
      });
      const response = await submitMain(page);
      assert.equal(response.status(), 400);
      await checkErrorState(page, 'api-key-live-in-trial', 'en');
      const keys = JSON.parse(await run.carillon.cli(['api-key', 'list', '--service', idOf(service), '--json']));
      assert.deepEqual(keys.filter((k) => k.type === 'normal'), [], 'no live key exists');
      assert.equal(keys.length, 0, 'no key was made at all');
    } finally {
      await ctx.close();
    }
  });
});
