// Creating an account and resetting a forgotten password, through the pages and the emails the
// outbox received.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';

import { linkIn, secret } from '../lib/carillon.mjs';
import { checkErrorState, checkPage, withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import { LANGS, signIn, submitButton, submitSignIn } from '../lib/flows.mjs';

const strongPassword = () => secret(`Pw-${randomBytes(12).toString('base64url')}`);

/** Fills and submits the registration form. */
async function register(page, { name, email, password, terms = true }, lang) {
  await page.goto(withLang('/register', lang));
  await page.locator('input[name="name"]').fill(name);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  if (terms) await page.locator('input[name="terms"]').check();
  await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
}

describe('create an account', () => {
  before(freshServer);

  for (const lang of LANGS) {
    test(`a non-government address gets an inline error on the email field (${lang})`, async () => {
      const ctx = await context();
      try {
        const page = await ctx.newPage();
        await register(page, { name: 'Someone', email: 'someone@example.com', password: strongPassword() }, lang);
        await checkErrorState(page, 'register-not-government', lang);
        assert.equal(await page.locator('input[name="email"]').getAttribute('aria-invalid'), 'true');
        const describedBy = (await page.locator('input[name="email"]').getAttribute('aria-describedby')) ?? '';
        const inline = page.locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`);
        assert.ok((await inline.innerText()).trim().length > 0, 'an inline message describes the email field');
        assert.equal(await run.carillon.emailIds('someone@example.com').then((ids) => ids.size), 0, 'no email sent');
      } finally {
        await ctx.close();
      }
    });
  }

  test('a government address: the emailed link verifies it, then the new account signs in', async () => {
    const person = { name: 'New Person', email: `register-${randomBytes(5).toString('hex')}@example.gc.ca`, password: strongPassword() };
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      await register(page, person, 'fr');
      assert.equal(new URL(page.url()).pathname, '/register/check-email');
      const link = linkIn(await run.carillon.waitForEmail(person.email), '/verify-email/');
      // Before the link is followed the account cannot sign in.
      await page.goto(withLang('/sign-in', 'en'));
      await submitSignIn(page, person.email, person.password);
      assert.notEqual(new URL(page.url()).pathname, '/sign-in/code', 'an unverified account gets no code');
      const first = await page.goto(withLang(link, 'en'));
      assert.equal(first.status(), 200);
      await checkPage(page, 'email-verified', 'en');
      const verified = await page.locator('h1').innerText();
      // The link works once: followed again, it says it cannot be used.
      for (const lang of ['fr', 'en']) {
        await page.goto(withLang(link, lang));
        await checkPage(page, 'email-link-used', lang);
      }
      assert.notEqual(await page.locator('h1').innerText(), verified, 'a used link does not verify again');
      await signIn(page, person);
    } finally {
      await ctx.close();
    }
  });

  test('an existing address sees the same "check your email" page as a new one', async () => {
    const existing = await run.carillon.createUser({ prefix: 'existing' });
    const fresh = `new-${randomBytes(5).toString('hex')}@example.gc.ca`;
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const seenExisting = await run.carillon.emailIds(existing.email);
      await register(page, { name: 'Again', email: existing.email, password: strongPassword() }, 'en');
      const existingUrl = page.url();
      const existingText = await page.locator('main').innerText();
      await checkPage(page, 'register-check-email-existing', 'en');
      await register(page, { name: 'New Person', email: fresh, password: strongPassword() }, 'en');
      assert.equal(page.url(), existingUrl, 'the same page');
      assert.equal(await page.locator('main').innerText(), existingText, 'the same words');
      // Each address got its own email: a notice for the existing one, a link for the new one.
      await run.carillon.waitForEmail(existing.email, { seen: seenExisting });
      await run.carillon.waitForEmail(fresh);
    } finally {
      await ctx.close();
    }
  });
});

describe('forgotten password', () => {
  before(freshServer);

  test('the emailed link sets a new password that then signs in', async () => {
    const user = await run.carillon.createUser({ prefix: 'forgot' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const seen = await run.carillon.emailIds(user.email);
      await page.goto('/forgot-password');
      await page.locator('input[name="email"]').fill(user.email);
      await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
      assert.equal(new URL(page.url()).pathname, '/forgot-password/check-email');
      const link = linkIn(await run.carillon.waitForEmail(user.email, { seen }), '/new-password/');
      for (const lang of LANGS) {
        await page.goto(withLang(link, lang));
        await checkPage(page, 'new-password', lang);
        await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
        await checkErrorState(page, 'new-password', lang);
      }
      await page.goto(withLang(link, 'en'));
      const password = strongPassword();
      await page.locator('input[name="password"]').fill(password);
      await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
      await checkPage(page, 'new-password-done', 'en');
      await signIn(page, { ...user, password });
    } finally {
      await ctx.close();
    }
  });
});
