// 400 % zoom (WCAG 1.4.10, reflow): a 1280×1024 window at 400 % is a 320×256 CSS px viewport
// with 4 device pixels to the CSS pixel. Every public and signed-in screen must fit without
// scrolling sideways, with the header's language toggle and the main heading reachable (shown
// whole once scrolled to, not cut off at the side or hidden).
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import { LANGS, addService, signIn } from '../lib/flows.mjs';
import { outputDir } from '../lib/settings.mjs';
import { PUBLIC_SCREENS, SERVICE_SCREENS, SIGNED_IN_SCREENS } from './pages.mjs';

const WIDTH = 320;
const ZOOMED = { viewport: { width: WIDTH, height: 256 }, deviceScaleFactor: 4 };

/** Shown, once scrolled to, and entirely within the window's width. */
async function assertReachable(locator, what) {
  assert.equal(await locator.count(), 1, `${what}: not found`);
  await locator.scrollIntoViewIfNeeded();
  assert.ok(await locator.isVisible(), `${what}: not visible`);
  const box = await locator.boundingBox();
  assert.ok(box, `${what}: not laid out`);
  assert.ok(box.x >= 0 && box.x + box.width <= WIDTH + 0.5, `${what}: cut off at ${JSON.stringify(box)}`);
}

/** Opens `url` in `lang` at 400 % and checks it reflows; a screenshot goes to the output. */
async function checkZoomed(page, url, name, lang) {
  const response = await page.goto(withLang(url, lang));
  assert.equal(response?.status(), 200, `${url} (${lang})`);
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  await page.screenshot({ path: path.join(outputDir, `${name}-zoom400-${lang}.png`), fullPage: true });
  assert.ok(
    scrollWidth <= clientWidth,
    `${name} (${lang}) at 400 % is ${scrollWidth} px wide in a ${clientWidth} px window`,
  );
  const other = lang === 'en' ? 'fr' : 'en';
  await assertReachable(page.locator(`header a[lang="${other}"]`), `${name} (${lang}): the language toggle`);
  await assertReachable(page.locator('main h1'), `${name} (${lang}): the main heading`);
}

describe('400 % zoom', () => {
  before(freshServer);

  test('every public screen reflows at 400 % zoom', async () => {
    const ctx = await context(ZOOMED);
    try {
      const page = await ctx.newPage();
      for (const screen of PUBLIC_SCREENS) {
        for (const lang of LANGS) await checkZoomed(page, screen.path, screen.name, lang);
      }
    } finally {
      await ctx.close();
    }
  });

  test('every signed-in screen reflows at 400 % zoom', async () => {
    const admin = await run.carillon.createUser({ name: 'Zoom Admin', platformAdmin: true, prefix: 'zoom' });
    const ctx = await context(ZOOMED);
    try {
      const page = await ctx.newPage();
      await signIn(page, admin);
      const service = await addService(page);
      const screens = [
        ...SERVICE_SCREENS.map(([suffix, name]) => [`${service}${suffix}`, name]),
        ...SIGNED_IN_SCREENS,
        [`/admin${service}`, 'admin-service'],
      ];
      for (const [url, name] of screens) {
        for (const lang of LANGS) await checkZoomed(page, url, name, lang);
      }
    } finally {
      await ctx.close();
    }
  });
});
