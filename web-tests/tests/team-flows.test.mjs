// A team's journeys end to end: an invitation with chosen permissions taken up by someone without
// an account (the permissions are then exactly those, on the team page and in what the new member
// may open), and going live (checklist, questions, terms; the platform admin's approval switches
// the service to GC Notify's live limits).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';

import { linkIn, secret } from '../lib/carillon.mjs';
import { checkPage, withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import { addService, invite, memberPermissions, signIn, submitMain } from '../lib/flows.mjs';

/** The service id in a service path (`/services/<id>`). */
const idOf = (service) => service.split('/').pop();

describe('invitations', () => {
  before(freshServer);

  test('a new address joins with exactly the chosen permissions, and only those open pages', async () => {
    const manager = await run.carillon.createUser({ name: 'Inviting Manager', prefix: 'inviter' });
    const invitee = {
      name: 'Invited Person',
      email: secret(`invitee-${randomBytes(5).toString('hex')}@example.gc.ca`),
      password: secret(`Pw-${randomBytes(12).toString('base64url')}`),
    };
    const chosen = ['view_activity', 'manage_api_keys'];
    const managerCtx = await context();
    const inviteeCtx = await context();
    try {
      const page = await managerCtx.newPage();
      await signIn(page, manager);
      const service = await addService(page);
      const labels = await invite(page, service, invitee.email, chosen);
      assert.equal(labels.length, chosen.length);

      // The invitation email reaches the outbox; its link opens the invitation's landing.
      const link = linkIn(await run.carillon.waitForEmail(invitee.email), '/invitation/');
      const them = await inviteeCtx.newPage();
      for (const lang of ['fr', 'en']) {
        const response = await them.goto(withLang(link, lang));
        assert.equal(response.status(), 200, `the invitation's landing (${lang})`);
        await checkPage(them, 'invitation-register', lang);
      }
      assert.ok((await them.locator('main').innerText()).includes(invitee.email), 'the landing shows the invited address');
      assert.equal(await them.locator('label[for="terms"] a[href="/terms"]').count(), 1, 'the terms are linked from the checkbox');

      // Registering from the invitation: the address is the invited one, verified by email.
      const seen = await run.carillon.emailIds(invitee.email);
      await them.locator('input[name="name"]').fill(invitee.name);
      await them.locator('input[name="password"]').fill(invitee.password);
      await them.locator('input[name="terms"]').check();
      await submitMain(them);
      assert.equal(new URL(them.url()).pathname, '/register/check-email');
      const verify = linkIn(await run.carillon.waitForEmail(invitee.email, { seen }), '/verify-email/');
      assert.equal((await them.goto(withLang(verify, 'en'))).status(), 200);
      await signIn(them, invitee);
      await them.goto(withLang(link, 'en'));
      assert.equal(new URL(them.url()).pathname, `${service}/team`, 'following the link again joins the service');

      // Exactly the chosen permissions: on the team page, as the manager and as the member see it.
      assert.deepEqual((await memberPermissions(page, service, invitee.email)).sort(), [...labels].sort());
      assert.deepEqual((await memberPermissions(them, service, invitee.email)).sort(), [...labels].sort());
      // ...and in what the member may open: API keys (granted), not the team's or settings' forms.
      assert.equal((await them.goto(withLang(`${service}/api/keys`, 'en'))).status(), 200, 'manage_api_keys was granted');
      for (const path of ['/team/invite', '/settings/name']) {
        const response = await them.goto(withLang(`${service}${path}`, 'en'));
        assert.equal(response.status(), 403, `${path} needs manage_service, not granted`);
      }
      assert.equal(
        (await them.goto(withLang(`${service}/api/keys/create`, 'en'))).status(),
        200,
        'creating keys is what manage_api_keys allows',
      );
      const keys = JSON.parse(await run.carillon.cli(['api-key', 'list', '--service', idOf(service), '--json']));
      assert.equal(keys.length, 0, 'nothing was created on the way');
    } finally {
      await inviteeCtx.close();
      await managerCtx.close();
    }
  });
});

describe('going live', () => {
  before(freshServer);

  test('the manager requests it, the platform admin approves it: live limits', async () => {
    const manager = await run.carillon.createUser({ name: 'Live Manager', prefix: 'live-manager' });
    const second = await run.carillon.createUser({ name: 'Second Manager', prefix: 'live-second' });
    const admin = await run.carillon.createUser({ name: 'Live Admin', platformAdmin: true, prefix: 'live-admin' });
    const name = `Going live ${randomBytes(4).toString('hex')}`;
    const managerCtx = await context();
    const secondCtx = await context();
    const adminCtx = await context();
    try {
      const page = await managerCtx.newPage();
      await signIn(page, manager);
      const service = await addService(page, name);
      // The checklist wants a template (made as an operator would; the web app has no template
      // pages yet) and a second manager.
      await run.carillon.cli([
        'template', 'create', '--service', idOf(service), '--type', 'email', '--name', 'Welcome',
        '--subject', 'Welcome', '--content', 'Hello ((name))', '--json',
      ]);
      await invite(page, service, second.email, ['manage_service', 'manage_api_keys']);
      const link = linkIn(await run.carillon.waitForEmail(second.email), '/invitation/');
      const secondPage = await secondCtx.newPage();
      await signIn(secondPage, second);
      await secondPage.goto(withLang(link, 'en'));
      assert.equal(new URL(secondPage.url()).pathname, `${service}/team`);

      // The questions and the terms (linked from their checkbox).
      await page.goto(withLang(`${service}/go-live`, 'en'));
      await checkPage(page, 'go-live-ready', 'en');
      assert.equal(await page.locator('label[for="terms"] a[href="/terms"]').count(), 1, 'the terms are linked');
      await page.locator('input[name="organisation"]').fill('Employment and Social Development Canada');
      await page.locator('input[name="use_case"]').fill('Appointment reminders');
      await page.locator('input[name="daily_email"]').fill('500');
      await page.locator('input[name="annual_email"]').fill('50000');
      await page.locator('input[name="daily_sms"]').fill('0');
      await page.locator('input[name="annual_sms"]').fill('0');
      await page.locator('#public').check();
      await page.locator('input[name="terms"]').check();
      await submitMain(page);
      assert.equal(new URL(page.url()).pathname, `${service}/settings`, 'the request was sent');
      await page.goto(withLang(`${service}/go-live`, 'en'));
      await checkPage(page, 'go-live-under-review', 'en');

      // The platform admin: trial limits, then approval, then GC Notify's live limits.
      const adminPage = await adminCtx.newPage();
      await signIn(adminPage, admin);
      const limits = async () => {
        await adminPage.goto(withLang(`/admin${service}`, 'en'));
        return {
          email: await adminPage.locator('#email_daily').inputValue(),
          sms: await adminPage.locator('#sms_daily').inputValue(),
          status: (await adminPage.locator('main dd .tag').first().innerText()).trim(),
        };
      };
      const trial = await limits();
      assert.equal(trial.status, 'Trial');
      assert.notEqual(trial.email, '10000');
      await adminPage.goto(withLang('/admin/go-live', 'en'));
      const request = adminPage.locator('main li', { has: adminPage.locator('h2', { hasText: name }) });
      assert.equal(await request.count(), 1, 'the request waits for a decision');
      await Promise.all([
        adminPage.waitForNavigation(),
        request.locator('form[action$="/approve"] button').click(),
      ]);
      await checkPage(adminPage, 'admin-go-live-approved', 'en');
      assert.deepEqual(await limits(), { email: '10000', sms: '1500', status: 'Live' });
      await page.goto(withLang(`${service}/go-live`, 'en'));
      assert.equal(await page.locator('input[name="organisation"]').count(), 0, 'a live service has no request form');
    } finally {
      await adminCtx.close();
      await secondCtx.close();
      await managerCtx.close();
    }
  });
});
