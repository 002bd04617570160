// The signed-in screens of a service (home, team, invite, settings and their forms, going live,
// API keys, safelist, callbacks), the profile's, and the platform admin's: each in English and
// French through axe with a screenshot, and each form's empty submission as its error state.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { linkIn } from '../lib/carillon.mjs';
import { checkPage, withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import { LANGS, addService, signIn, submitButton, submitEmptyAndCheck, visit } from '../lib/flows.mjs';

// Screens under a service: [path below /services/<id>, screen name, has a form to submit empty].
const SERVICE_SCREENS = [
  ['', 'service-home', false],
  ['/team', 'team', false],
  ['/team/invite', 'team-invite', true],
  ['/settings', 'settings', false],
  ['/settings/name', 'settings-name', true],
  ['/settings/sending-address', 'settings-sending-address', true],
  ['/settings/branding', 'settings-branding', false],
  ['/settings/reply-to', 'settings-reply-to', true],
  ['/go-live', 'go-live', true],
  ['/api', 'api', false],
  ['/api/keys', 'api-keys', false],
  ['/api/keys/create', 'api-key-create', true],
  ['/api/safelist', 'api-safelist', false],
  ['/api/callbacks', 'api-callbacks', false],
];

const OTHER_SCREENS = [
  ['/services', 'your-services', false],
  ['/add-service', 'add-service', true],
  ['/profile', 'profile', false],
  ['/admin/services', 'admin-services', false],
  ['/admin/go-live', 'admin-go-live', false],
  ['/admin/users', 'admin-users', true],
];

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
        ...OTHER_SCREENS,
        [`/admin${service}`, 'admin-service', false],
      ];
      for (const [path, name, form] of screens) {
        for (const lang of LANGS) {
          await visit(page, path, name, lang);
          if (form) await submitEmptyAndCheck(page, `${name}-empty`, lang);
        }
      }
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
