// Every public screen in English and French (axe, <html lang>, screenshot), its error state, the
// language toggle and the skip link.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test, before, after } from 'node:test';

import { context } from '../lib/fixture.mjs';
import { focusOutline, tabTo, withLang } from '../lib/browser.mjs';
import { LANGS, visit, submitEmptyAndCheck } from '../lib/flows.mjs';
import { outputDir } from '../lib/settings.mjs';
import { PUBLIC_SCREENS } from './pages.mjs';

describe('public screens', () => {
  let ctx;
  let page;
  before(async () => {
    ctx = await context();
    page = await ctx.newPage();
  });
  after(() => ctx.close());

  for (const screen of PUBLIC_SCREENS) {
    for (const lang of LANGS) {
      test(`${screen.name} (${lang}) passes axe`, async () => {
        await visit(page, screen.path, screen.name, lang);
      });
      if (screen.form) {
        test(`${screen.name} (${lang}) submitted empty shows the error state`, async () => {
          await visit(page, screen.path, screen.name, lang);
          await submitEmptyAndCheck(page, screen.name, lang);
        });
      }
    }
  }

  test('every public screen fits 320 px (400 % zoom of 1280 px) without scrolling sideways', async () => {
    const narrow = await context({ viewport: { width: 320, height: 640 } });
    try {
      const small = await narrow.newPage();
      for (const screen of PUBLIC_SCREENS) {
        for (const lang of LANGS) {
          await small.goto(withLang(screen.path, lang));
          const { scrollWidth, clientWidth } = await small.evaluate(() => ({
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
          }));
          await small.screenshot({ path: path.join(outputDir, `${screen.name}-320px-${lang}.png`), fullPage: true });
          assert.ok(
            scrollWidth <= clientWidth,
            `${screen.name} (${lang}) is ${scrollWidth} px wide in a ${clientWidth} px window`,
          );
        }
      }
    } finally {
      await narrow.close();
    }
  });

  test('the language toggle leads to the same page in the other language', async () => {
    for (const [from, to] of [['en', 'fr'], ['fr', 'en']]) {
      await page.goto(withLang('/sign-in', from));
      const toggle = page.locator(`header a[lang="${to}"]`);
      assert.equal(await toggle.count(), 1, `one header link with lang="${to}" on the ${from} page`);
      await Promise.all([page.waitForNavigation(), toggle.click()]);
      assert.equal(new URL(page.url()).pathname, '/sign-in');
      assert.equal(await page.locator('html').getAttribute('lang'), to);
    }
  });

  test("a browser set to French gets French pages without ?lang", async () => {
    const french = await context({ locale: 'fr-CA' });
    try {
      const frPage = await french.newPage();
      await frPage.goto('/sign-in');
      assert.equal(await frPage.locator('html').getAttribute('lang'), 'fr');
    } finally {
      await french.close();
    }
  });

  test('the skip link is the first stop of Tab, visibly focused, and moves focus to main', async () => {
    await page.goto('/sign-in');
    const first = await tabTo(page, (f) => f.tag !== 'body', 1);
    assert.equal(first.href, '#main', `the first Tab stop should be the skip link, not <${first.tag}> "${first.text}"`);
    assert.ok(first.visible, 'the skip link shows a focus outline');
    assert.ok(await page.locator('a[href="#main"]').isVisible(), 'the skip link is visible when focused');
    await page.keyboard.press('Enter');
    assert.equal(new URL(page.url()).hash, '#main');
    const onMain = await page.evaluate(() => document.activeElement?.id === 'main');
    if (!onMain) {
      // Without tabindex on main, the next Tab must at least start inside it.
      await page.keyboard.press('Tab');
      const next = await focusOutline(page);
      const inside = await page.evaluate(() => document.querySelector('main').contains(document.activeElement));
      assert.ok(inside, `after the skip link, Tab should land inside main, not on <${next.tag}> "${next.text}"`);
    }
  });
});
