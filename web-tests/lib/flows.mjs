// The journeys several tests share: visiting a screen in both languages, submitting a form as a
// person would, signing in with the code the outbox received.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import { codeIn } from './carillon.mjs';
import { checkPage, checkErrorState, withLang } from './browser.mjs';
import { run } from './fixture.mjs';

export const LANGS = ['en', 'fr'];

/** GETs `path` in `lang` and checks the screen; resolves to the response. */
export async function visit(page, path, name, lang) {
  const response = await page.goto(withLang(path, lang));
  assert.ok(response, `${path}: no response`);
  assert.equal(response.status(), 200, `${path} (${lang}): status ${response.status()}`);
  await checkPage(page, name, lang);
  return response;
}

/** The main form's submit button (the page's first form inside `main`). */
export function submitButton(page, form = 'main form') {
  return page.locator(`${form} button[type="submit"], ${form} input[type="submit"]`).first();
}

/** Submits the main form as it is (empty fields give the error state) and checks that state. */
export async function submitEmptyAndCheck(page, name, lang) {
  await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
  await checkErrorState(page, name, lang);
}

/** Fills the sign-in form and submits it. */
export async function submitSignIn(page, email, password) {
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
}

/** Enters the emailed code on the code page. */
export async function submitCode(page, code) {
  await page.locator('input[name="code"]').fill(code);
  await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
}

/**
 * Signs `user` in through the pages: email and password, the code the outbox received, then
 * "before you continue" (terms agreed once per session; `onContinue(page)` runs there first).
 * `screens` names the screens to check on the way (null: no checks). Resolves on the page
 * signing in leads to.
 */
export async function signIn(page, user, { lang = 'en', screens = null, onContinue = null } = {}) {
  const seen = await run.carillon.emailIds(user.email);
  await page.goto(withLang('/sign-in', lang));
  await submitSignIn(page, user.email, user.password);
  assert.equal(new URL(page.url()).pathname, '/sign-in/code', 'the right password leads to the code page');
  if (screens) await checkPage(page, `${screens}-email-code`, lang);
  const message = await run.carillon.waitForEmail(user.email, { seen });
  await submitCode(page, codeIn(message));
  if (new URL(page.url()).pathname === '/sign-in/continue') {
    if (onContinue) await onContinue(page);
    if (screens) {
      await checkPage(page, 'before-you-continue', lang);
      await submitEmptyAndCheck(page, 'before-you-continue', lang);
    }
    await page.locator('input[name="terms"]').check();
    await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
  }
  await assertSignedIn(page);
}

/** Signed in: the header offers signing out (a POST form, not a link). */
export async function assertSignedIn(page) {
  const signOut = page.locator('form[action*="sign-out"]');
  assert.equal(await signOut.count(), 1, `not signed in: no sign-out form on ${page.url()}`);
}

/** The text of the page's error summary. */
export async function errorSummary(page) {
  return (await page.locator('[role="alert"]').first().innerText()).trim();
}

/**
 * Creates a service named `name` through the add-service page; resolves to its path
 * (`/services/<id>`).
 */
export async function addService(page, name = `Browser ${randomBytes(4).toString('hex')}`) {
  await page.goto(withLang('/add-service', 'en'));
  await page.locator('#language-en').check();
  await page.locator('input[name="name"]').fill(name);
  await page.locator('input[name="email_from"]').fill(`browser.${randomBytes(4).toString('hex')}`);
  await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
  // Adding a service returns to "your services", which links to the new one.
  await page.goto(withLang('/services', 'en'));
  const href = await page.getByRole('link', { name }).getAttribute('href');
  const match = href?.match(/^\/services\/[0-9a-f-]{36}$/);
  assert.ok(match, `"your services" should link to the new service, not ${href}`);
  return match[0];
}

/** Submits the page's main form (its first submit button in `main`) and waits for the answer. */
export async function submitMain(page) {
  const [response] = await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
  return response;
}

/** GC Notify's five permissions, as the team forms name their checkboxes. */
export const PERMISSIONS = ['view_activity', 'manage_templates', 'send_messages', 'manage_service', 'manage_api_keys'];

/**
 * Invites `email` to the service at `service` (its path) with exactly `permissions` (the
 * checkboxes' names) through the invite page; resolves to the permissions' labels as shown.
 */
export async function invite(page, service, email, permissions) {
  await page.goto(withLang(`${service}/team/invite`, 'en'));
  await page.locator('input[name="email"]').fill(email);
  const labels = [];
  for (const name of PERMISSIONS) {
    const box = page.locator(`input[type="checkbox"][name="${name}"]`);
    if (permissions.includes(name)) {
      await box.check();
      labels.push((await page.locator(`label[for="${name}"]`).innerText()).trim());
    } else {
      await box.uncheck();
    }
  }
  const response = await submitMain(page);
  assert.ok(response.status() < 400, `the invitation was refused (${response.status()}) on ${page.url()}`);
  return labels;
}

/** The permission labels the team page lists for the member whose row shows `email`. */
export async function memberPermissions(page, service, email) {
  await page.goto(withLang(`${service}/team`, 'en'));
  const row = page.locator('main table tbody tr', { hasText: email });
  assert.equal(await row.count(), 1, `the team page lists ${email} once`);
  return (await row.locator('td').nth(1).locator('li').allInnerTexts()).map((text) => text.trim());
}
