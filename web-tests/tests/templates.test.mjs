// Templates with JavaScript off: write an email template, preview it, save it, edit it into a
// second version, read the versions, and delete it behind a confirmation; every screen and
// state through axe in English and French.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { checkPage, withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import { LANGS, addService, signIn, visit } from '../lib/flows.mjs';

/** Clicks the form's button with `value` (save or preview) and waits for the next page. */
async function press(page, name) {
  await Promise.all([page.waitForNavigation(), page.locator(`main form button[value="${name}"]`).click()]);
}

/** Opens the new email template form in `lang` and fills it in. */
async function fillNew(page, service, lang) {
  await page.goto(withLang(`${service}/templates/new/email`, lang));
  await page.locator('#name').fill('Renewal reminder');
  await page.locator('#subject').fill('Your passport, ((name))');
  await page.locator('#content').fill('Hello ((name)),\n\n* Renew by ((date))\n\n[[fr]]Bonjour ((name))[[/fr]]');
}

describe('templates', () => {
  before(freshServer);

  test('an email template is previewed, saved, edited, versioned and deleted without JavaScript', async () => {
    const owner = await run.carillon.createUser({ name: 'Template Owner', prefix: 'templates' });
    const ctx = await context({ javaScriptEnabled: false });
    try {
      const page = await ctx.newPage();
      await signIn(page, owner);
      const service = await addService(page);
      await page.goto(withLang(`${service}/templates/create`, 'en'));
      await page.locator('#kind-email').check();
      await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').click()]);
      assert.match(page.url(), /\/templates\/new\/email$/);
      for (const lang of LANGS) {
        await fillNew(page, service, lang);
        await press(page, 'preview');
        assert.equal(await page.locator('main .message-preview li code').count(), 2, 'both placeholders are listed');
        await checkPage(page, 'template-preview', lang);
      }
      await page.goto(withLang(`${service}/templates`, 'en'));
      assert.equal(await page.locator('main tbody tr').count(), 0, 'a preview saves nothing');
      await fillNew(page, service, 'en');
      await page.locator('main input[name="category"]').first().check();
      await press(page, 'save');
      assert.match(await page.locator('main .banner').innerText(), /created/);
      const template = new URL(page.url()).pathname;
      for (const lang of LANGS) await visit(page, template, 'template', lang);

      await page.goto(withLang(`${template}/edit`, 'en'));
      await page.locator('#content').fill('Version two for ((name))');
      await press(page, 'save');
      for (const lang of LANGS) {
        await visit(page, `${template}/versions`, 'template-versions', lang);
        assert.equal(await page.locator('main tbody tr').count(), 2);
        await visit(page, `${template}/versions/1`, 'template-version', lang);
      }
      assert.match(await page.locator('main .message-text').innerText(), /Renew by/);

      for (const lang of LANGS) await visit(page, `${template}/archive`, 'template-archive', lang);
      await page.goto(withLang(`${template}/archive`, 'en'));
      await Promise.all([page.waitForNavigation(), page.locator('main form button[type="submit"]').click()]);
      await checkPage(page, 'templates-after-delete', 'en');
      assert.equal(await page.locator('main tbody tr').count(), 0, 'the deleted template is no longer listed');
      const response = await page.goto(withLang(`${template}/edit`, 'fr'));
      assert.equal(response.status(), 404);
    } finally {
      await ctx.close();
    }
  });
});
