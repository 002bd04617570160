// The signed-in screens of a service (home, team, invite, settings and their forms, going live,
// API keys, safelist, callbacks), the profile's, and the platform admin's: each in English and
// French through axe with a screenshot, and each form's empty submission as its error state.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { linkIn } from '../lib/carillon.mjs';
import { checkErrorState, checkPage, withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import { LANGS, addService, signIn, submitButton, submitEmptyAndCheck, visit } from '../lib/flows.mjs';
import { SERVICE_SCREENS, SIGNED_IN_SCREENS } from './pages.mjs';

describe('service, profile and platform admin screens', () => {
  before(freshServer);

  test('every screen passes axe in English and French, and its empty form shows the error state', async () => {
    const admin = await run.carillon.createUser({ name: 'Pages Admin', platformAdmin: true, prefix: 'pages' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      await signIn(page, admin);
      assert.equal(await page.locator('nav a[href="/admin/services"]').count(), 1, 'a platform admin has the admin link in the header');
      const service = await addService(page);
      const screens = [
        ...SERVICE_SCREENS.map(([suffix, name, form]) => [`${service}${suffix}`, name, form]),
        ...SIGNED_IN_SCREENS,
        [`/admin${service}`, 'admin-service', false],
      ];
      for (const [path, name, form] of screens) {
        for (const lang of LANGS) {
          await visit(page, path, name, lang);
          if (form) await submitEmptyAndCheck(page, `${name}-empty`, lang);
        }
      }
      // The sent messages search is a GET form: a search that is no address is its error state.
      for (const lang of LANGS) {
        const response = await page.goto(withLang(`${service}/notifications?to=nobody%40`, lang));
        assert.equal(response.status(), 400);
        await checkErrorState(page, 'sent-messages-search', lang);
      }
    } finally {
      await ctx.close();
    }
  });

  test('a reply-to address waits for its emailed link, which works signed out', async () => {
    const owner = await run.carillon.createUser({ name: 'Reply Owner', prefix: 'replyto' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      await signIn(page, owner);
      const service = await addService(page);
      const address = owner.email.replace('@', '+desk@');
      await page.goto(withLang(`${service}/settings/reply-to`, 'en'));
      await page.locator('input[name="email"]').fill(address);
      await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
      for (const lang of LANGS) {
        await visit(page, `${service}/settings/reply-to?sent`, 'settings-reply-to-waiting', lang);
        assert.equal(await page.locator('main .tag').count(), 1, 'the address is marked as waiting');
      }
      const link = linkIn(await run.carillon.waitForEmail(address), '/reply-to/verify/');
      const anonymous = await context();
      try {
        const linkPage = await anonymous.newPage();
        const response = await linkPage.goto(withLang(link, 'fr'));
        assert.equal(response.status(), 200, 'anyone holding the link verifies the address');
        await checkPage(linkPage, 'reply-to-verified', 'fr');
      } finally {
        await anonymous.close();
      }
      await page.goto(withLang(`${service}/settings/reply-to`, 'en'));
      assert.match(await page.locator('main .card-list').innerText(), /Default/);
    } finally {
      await ctx.close();
    }
  });

  test('a member without "manage settings and team" is refused the invite page', async () => {
    const manager = await run.carillon.createUser({ name: 'Manager', prefix: 'manager' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      await signIn(page, manager);
      assert.equal(await page.locator('nav a[href="/admin/services"]').count(), 0, 'only platform admins see the admin link');
      const service = await addService(page);
      // The manager invites a second person with only "see dashboards".
      const viewer = await run.carillon.createUser({ name: 'Viewer', prefix: 'viewer' });
      await page.goto(withLang(`${service}/team/invite`, 'en'));
      await page.locator('input[name="email"]').fill(viewer.email);
      await page.locator('#view_activity').check();
      await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
      const link = linkIn(await run.carillon.waitForEmail(viewer.email), '/invitation/');
      const viewerCtx = await context();
      try {
        const viewerPage = await viewerCtx.newPage();
        await signIn(viewerPage, viewer);
        await viewerPage.goto(withLang(link, 'en'));
        for (const lang of LANGS) {
          const response = await viewerPage.goto(withLang(`${service}/team/invite`, lang));
          assert.equal(response.status(), 403, `a viewer is refused the invite page (${lang})`);
          await checkPage(viewerPage, 'forbidden', lang);
        }
      } finally {
        await viewerCtx.close();
      }
    } finally {
      await ctx.close();
    }
  });
});
