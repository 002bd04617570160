// Debian's Chromium driven by playwright-core, and the checks every screen goes through: axe's
// WCAG 2.1 A/AA rules with zero violations, the page's language, and a full-page screenshot.
import assert from 'node:assert/strict';
import path from 'node:path';

import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

import * as settings from './settings.mjs';

/**
 * One headless Chromium per run. The flags keep it from reaching out to Google's services, which
 * a closed network refuses, and `--no-sandbox` lets it start as root (as CI runs).
 */
export function launchBrowser() {
  return chromium.launch({
    executablePath: settings.chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context (its own cookies) with JavaScript off, as every flow but WebAuthn must
 * work without it; Playwright's own evaluation (axe, computed styles) still runs.
 */
export async function newContext(browser, baseURL, options = {}) {
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled: false,
    viewport: { width: 1024, height: 768 },
    ...options,
  });
  // A missing element fails in seconds rather than Playwright's default 30 s: pages are local.
  context.setDefaultTimeout(10_000);
  return context;
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe on the page as it is. axe needs script execution (its runner checks that DOM events
 * fire), which a JavaScript-off context forbids, so the page's current DOM is loaded at the same
 * URL in a page of a JavaScript-on context (its stylesheets fetched from the server as usual) and
 * analysed there. Pages that work without JavaScript have no script to change the DOM, so what
 * axe reads is what the person saw, error states after a POST included.
 */
const axePages = new WeakMap();
async function axe(page) {
  const browser = page.context().browser();
  let axePage = axePages.get(browser);
  if (!axePage) {
    const context = await browser.newContext({ javaScriptEnabled: true, viewport: page.viewportSize() });
    axePage = await context.newPage();
    axePages.set(browser, axePage);
  }
  const html = await page.content();
  const url = page.url().split('#')[0];
  const serve = (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
  await axePage.route(url, serve);
  try {
    await axePage.goto(url);
    return await new AxeBuilder({ page: axePage }).withTags(AXE_TAGS).analyze();
  } finally {
    await axePage.unroute(url, serve);
  }
}

/** The `lang` a URL asks for (`?lang=fr`), English otherwise. */
export function langOf(url) {
  return new URL(url).searchParams.get('lang') === 'fr' ? 'fr' : 'en';
}

/** `url` with `lang` set in its query. */
export function withLang(url, lang) {
  const [pathPart, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  params.set('lang', lang);
  return `${pathPart}?${params}`;
}

/**
 * Checks the screen the page shows: `<html lang>` is `lang`, axe finds no WCAG 2.1 A/AA
 * violation, and saves `<name>-<lang>.png` (full page). Fails listing each violation's id, help
 * and the elements it found.
 */
export async function checkPage(page, name, lang) {
  const htmlLang = await page.locator('html').getAttribute('lang');
  assert.equal(htmlLang, lang, `${name}: <html lang> should be ${lang} on ${page.url()}`);
  await page.screenshot({ path: path.join(settings.outputDir, `${name}-${lang}.png`), fullPage: true });
  const results = await axe(page);
  if (results.violations.length > 0) {
    const report = results.violations
      .map(
        (v) =>
          `- ${v.id} (${v.impact}): ${v.help}\n` +
          v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ${n.failureSummary?.split('\n').join(' ') ?? ''}`).join('\n'),
      )
      .join('\n');
    assert.fail(`${name} (${lang}, ${page.url()}): axe found ${results.violations.length} violation(s):\n${report}`);
  }
}

/** The page's error state: `Error: ` / `Erreur : ` title and an error summary whose links reach fields. */
export async function checkErrorState(page, name, lang) {
  const title = await page.title();
  const prefix = lang === 'fr' ? 'Erreur : ' : 'Error: ';
  assert.ok(title.startsWith(prefix), `${name}: the title "${title}" should start with "${prefix}"`);
  const summary = page.locator('[role="alert"]').first();
  assert.ok(await summary.isVisible(), `${name}: an error summary with role="alert" should be shown`);
  const heading = lang === 'fr' ? 'Il y a un problème' : 'There is a problem';
  assert.ok((await summary.innerText()).includes(heading), `${name}: the summary should say "${heading}"`);
  const targets = await summary.locator('a[href^="#"]').evaluateAll((links) =>
    links.map((a) => a.getAttribute('href').slice(1)),
  );
  assert.ok(targets.length > 0, `${name}: the error summary should link to the fields in error`);
  for (const id of targets) {
    const field = page.locator(`[id="${id}"]`);
    assert.equal(await field.count(), 1, `${name}: the summary links to #${id}, which should exist once`);
    assert.equal(await field.getAttribute('aria-invalid'), 'true', `${name}: #${id} should be aria-invalid`);
  }
  await checkPage(page, `${name}-error`, lang);
}

/**
 * Whether the focused element shows a focus indicator: an outline (not `none`, not zero wide) or
 * a box shadow. Also what the element is, for `tabTo`'s matchers (`inMain`: inside `main`).
 */
export async function focusOutline(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return {
      tag: element.tagName.toLowerCase(),
      id: element.id,
      href: element.getAttribute('href'),
      name: element.getAttribute('name'),
      type: element.getAttribute('type'),
      value: element.value ?? null,
      checked: element.checked ?? null,
      inMain: Boolean(element.closest('main')),
      text: (element.innerText || element.value || '').trim().slice(0, 60),
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
      boxShadow: style.boxShadow,
      visible: outline || (style.boxShadow !== 'none' && style.boxShadow !== ''),
    };
  });
}

/** Presses Tab until `matches(focused)` or `limit` presses; asserts focus stays visible on the way. */
export async function tabTo(page, matches, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await focusOutline(page);
    if (focused.tag !== 'body') {
      assert.ok(
        focused.visible,
        `focus on <${focused.tag}> "${focused.text}" is not visible (outline ${focused.outlineStyle} ${focused.outlineWidth}, box-shadow ${focused.boxShadow})`,
      );
    }
    if (matches(focused)) return focused;
  }
  throw new Error(`Tab never reached the element looked for within ${limit} presses on ${page.url()}`);
}
