// Signing in end to end, with the code the outbox received; the vague answer to a wrong password;
// lockout; and the whole sign-in with the keyboard only.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { codeIn } from '../lib/carillon.mjs';
import { checkPage, checkErrorState, tabTo, withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import {
  LANGS,
  assertSignedIn,
  errorSummary,
  signIn,
  submitButton,
  submitCode,
  submitSignIn,
} from '../lib/flows.mjs';

describe('sign in', () => {
  before(freshServer);

  for (const lang of LANGS) {
    test(`with the emailed code (${lang})`, async () => {
      const user = await run.carillon.createUser({ prefix: `sign-in-${lang}` });
      const ctx = await context();
      try {
        const page = await ctx.newPage();
        await signIn(page, user, { lang, screens: 'sign-in' });
        assert.equal(new URL(page.url()).pathname, '/services');
        await checkPage(page, 'your-services', lang);
      } finally {
        await ctx.close();
      }
    });
  }

  test('signing out (the header form) ends the session: your services then asks to sign in', async () => {
    const user = await run.carillon.createUser({ prefix: 'sign-out' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      await signIn(page, user);
      await Promise.all([page.waitForNavigation(), page.locator('form[action*="sign-out"] button').click()]);
      await checkPage(page, 'signed-out', 'en');
      assert.equal(await page.locator('form[action*="sign-out"]').count(), 0, 'signed out');
      await page.goto('/services');
      assert.equal(new URL(page.url()).pathname, '/sign-in', 'your services needs signing in again');
    } finally {
      await ctx.close();
    }
  });

  test('a wrong code shows the error state and does not sign in', async () => {
    const user = await run.carillon.createUser({ prefix: 'wrong-code' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      for (const lang of LANGS) {
        const seen = await run.carillon.emailIds(user.email);
        await page.goto(withLang('/sign-in', lang));
        await submitSignIn(page, user.email, user.password);
        const code = codeIn(await run.carillon.waitForEmail(user.email, { seen }));
        // Another five digits than the one sent.
        const wrong = String((Number(code) + 1) % 100000).padStart(5, '0');
        await submitCode(page, wrong);
        await checkErrorState(page, 'email-code', lang);
        assert.equal(await page.locator('form[action*="sign-out"]').count(), 0, 'not signed in');
      }
    } finally {
      await ctx.close();
    }
  });

  test('"resend the code" sends a new one; the old one then fails and the new one signs in', async () => {
    const user = await run.carillon.createUser({ prefix: 'resend' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      let seen = await run.carillon.emailIds(user.email);
      await page.goto('/sign-in');
      await submitSignIn(page, user.email, user.password);
      const first = await run.carillon.waitForEmail(user.email, { seen });
      seen = await run.carillon.emailIds(user.email);
      for (const lang of LANGS) {
        await page.goto(withLang('/sign-in/code/resend', lang));
        await checkPage(page, 'resend-code', lang);
      }
      await page.goto(withLang('/sign-in/code/resend', 'en'));
      await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
      const second = codeIn(await run.carillon.waitForEmail(user.email, { seen }));
      if (codeIn(first) !== second) {
        await submitCode(page, codeIn(first));
        await checkErrorState(page, 'email-code-old', 'en');
      }
      await submitCode(page, second);
      await assertSignedIn(page);
    } finally {
      await ctx.close();
    }
  });

  test('a wrong password and an unknown account get the same vague answer', async () => {
    const user = await run.carillon.createUser({ prefix: 'wrong-password' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      for (const lang of LANGS) {
        await page.goto(withLang('/sign-in', lang));
        await submitSignIn(page, user.email, `${user.password}x`);
        await checkErrorState(page, 'sign-in-wrong-password', lang);
        const wrongPassword = await errorSummary(page);
        await page.goto(withLang('/sign-in', lang));
        await submitSignIn(page, `nobody-${Date.now()}@example.gc.ca`, user.password);
        const unknown = await errorSummary(page);
        assert.equal(unknown, wrongPassword, 'the answer must not tell whether the account exists');
        assert.ok(!wrongPassword.includes(user.email), 'the answer does not repeat the address');
      }
    } finally {
      await ctx.close();
    }
  });

  test('ten wrong passwords lock the account: the right one is then refused, as an unknown address is', async () => {
    // Eleven sign-ins: with the others in this group they would pass the per-client limit.
    await freshServer();
    const user = await run.carillon.createUser({ prefix: 'lockout' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      for (let i = 0; i < 10; i++) {
        await page.goto('/sign-in');
        await submitSignIn(page, user.email, `${user.password}-${i}`);
      }
      const seen = await run.carillon.emailIds(user.email);
      await page.goto('/sign-in');
      await submitSignIn(page, user.email, user.password);
      await checkErrorState(page, 'sign-in-locked', 'en');
      assert.equal(await page.locator('input[name="code"]').count(), 0, 'no code page for a locked account');
      assert.equal((await run.carillon.emailIds(user.email)).size, seen.size, 'no code sent to a locked account');
      // The answer must not tell that the account exists (and is locked): the same page and words
      // as for an address nobody has.
      const locked = { url: page.url(), title: await page.title(), summary: await errorSummary(page) };
      await page.goto('/sign-in');
      await submitSignIn(page, `nobody-${Date.now()}@example.gc.ca`, user.password);
      assert.deepEqual({ url: page.url(), title: await page.title(), summary: await errorSummary(page) }, locked);
    } finally {
      await ctx.close();
    }
  });

  test('with the keyboard only: Tab, typing and Enter, focus always visible', async () => {
    const user = await run.carillon.createUser({ prefix: 'keyboard' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const seen = await run.carillon.emailIds(user.email);
      await page.goto('/sign-in');
      await tabTo(page, (f) => f.name === 'email');
      await page.keyboard.type(user.email);
      await tabTo(page, (f) => f.name === 'password', 3);
      await page.keyboard.type(user.password);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      const code = codeIn(await run.carillon.waitForEmail(user.email, { seen }));
      await tabTo(page, (f) => f.name === 'code');
      await page.keyboard.type(code);
      // Tab on to the submit button and press it, as someone who does not know Enter submits.
      await tabTo(page, (f) => f.tag === 'button' || (f.tag === 'input' && f.name !== 'code'), 5);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(new URL(page.url()).pathname, '/sign-in/continue');
      await tabTo(page, (f) => f.name === 'terms');
      await page.keyboard.press('Space');
      await tabTo(page, (f) => f.tag === 'button' && f.name !== 'terms', 3);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(new URL(page.url()).pathname, '/services');
      await assertSignedIn(page);
    } finally {
      await ctx.close();
    }
  });
});
