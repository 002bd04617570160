// Security keys (WebAuthn) with Chromium's virtual authenticator: adding a key from the profile,
// signing in with it, a key that is not the account's refused, and the pages without JavaScript
// (they say keys need it and offer a code by email). The server's public address is
// http://localhost:<port>: WebAuthn refuses an IP address as relying party id.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { codeIn } from '../lib/carillon.mjs';
import { checkErrorState, checkPage, withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import { LANGS, assertSignedIn, errorSummary, signIn, submitButton, submitCode, submitSignIn } from '../lib/flows.mjs';

const KEY_FORM = 'form[data-webauthn]';

/** A virtual USB security key attached to the page's browser (CDP's WebAuthn domain). */
async function attachKey(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
  return { cdp, authenticatorId };
}

/** Signs out through the header's form. */
async function signOut(page) {
  await Promise.all([page.waitForNavigation(), page.locator('form[action*="sign-out"] button').click()]);
}

/** "Before you continue": agrees to the terms. */
async function agreeToTerms(page) {
  assert.equal(new URL(page.url()).pathname, '/sign-in/continue');
  await page.locator('input[name="terms"]').check();
  await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
}

/** Adds a key named `name` on the profile's security keys page (JavaScript on). */
async function addKey(page, name) {
  await page.goto('/profile/security-keys');
  await page.locator('input[name="name"]').fill(name);
  await Promise.all([page.waitForURL(/done=added/), submitButton(page, KEY_FORM).click()]);
}

describe('security keys', () => {
  before(() => freshServer({ publicHost: 'localhost' }));

  test('a key is added from the profile, then signs in; a tampered answer and another key are refused', async () => {
    const user = await run.carillon.createUser({ prefix: 'key' });
    const ctx = await context({ javaScriptEnabled: true });
    try {
      const page = await ctx.newPage();
      await signIn(page, user);
      let key = await attachKey(page);
      await addKey(page, 'Virtual key');
      assert.ok((await page.locator('main').innerText()).includes('Virtual key'));
      for (const lang of LANGS) {
        await page.goto(withLang('/profile/security-keys', lang));
        await checkPage(page, 'security-keys-list', lang);
      }
      await signOut(page);

      await page.goto('/sign-in');
      await submitSignIn(page, user.email, user.password);
      assert.equal(new URL(page.url()).pathname, '/sign-in/security-key', 'a key user is asked for the key');
      for (const lang of LANGS) {
        await page.goto(withLang('/sign-in/security-key', lang));
        await checkPage(page, 'security-key-sign-in', lang);
      }
      // The language chosen last stays with the session: back to English.
      await page.goto(withLang('/sign-in/security-key', 'en'));

      // The key's answer altered on its way: the server refuses it with a clear error, not a 500.
      const tamper = async (route) => {
        const form = new URLSearchParams(route.request().postData() ?? '');
        const signature = form.get('signature') ?? '';
        form.set('signature', signature.slice(0, -4) + (signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'));
        await route.continue({ postData: form.toString() });
      };
      await page.route('**/sign-in/security-key', tamper);
      const [refused] = await Promise.all([page.waitForNavigation(), submitButton(page, KEY_FORM).click()]);
      await page.unroute('**/sign-in/security-key', tamper);
      assert.equal(refused.status(), 400);
      assert.match(await errorSummary(page), /not registered to your account|not valid/);
      await checkPage(page, 'security-key-refused', 'en');

      await Promise.all([page.waitForURL(/\/sign-in\/continue/), submitButton(page, KEY_FORM).click()]);
      await agreeToTerms(page);
      await assertSignedIn(page);
      await signOut(page);

      // Another authenticator, holding no key of this account: the browser gets no answer,
      // the page says so and the person stays on the key step.
      await key.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: key.authenticatorId });
      key = await attachKey(page);
      await page.goto('/sign-in');
      await submitSignIn(page, user.email, user.password);
      await submitButton(page, KEY_FORM).click();
      const status = page.locator('#webauthn-status');
      await status.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await status.innerText(), /did not answer|not one of your keys/);
      assert.equal(new URL(page.url()).pathname, '/sign-in/security-key');
      await checkPage(page, 'security-key-no-answer', 'en');
    } finally {
      await ctx.close();
    }
  });

  test('without JavaScript the pages say keys need it, and a code by email still signs in', async () => {
    const user = await run.carillon.createUser({ prefix: 'nojs' });
    const withScript = await context({ javaScriptEnabled: true });
    try {
      const page = await withScript.newPage();
      await signIn(page, user);
      await attachKey(page);
      await addKey(page, 'Blue key');
    } finally {
      await withScript.close();
    }
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      await page.goto('/sign-in');
      await submitSignIn(page, user.email, user.password);
      assert.equal(new URL(page.url()).pathname, '/sign-in/security-key');
      for (const lang of LANGS) {
        await page.goto(withLang('/sign-in/security-key', lang));
        const needs = lang === 'fr' ? 'nécessitent JavaScript' : 'need JavaScript';
        assert.ok((await page.locator('main').innerText()).includes(needs), `the ${lang} page says keys need JavaScript`);
        await checkPage(page, 'security-key-sign-in-no-js', lang);
      }
      // Sent without the key's answer: a clear error.
      await page.goto(withLang('/sign-in/security-key', 'en'));
      await Promise.all([page.waitForNavigation(), submitButton(page, KEY_FORM).click()]);
      assert.match(await errorSummary(page), /need JavaScript/);
      await checkPage(page, 'security-key-no-js-error', 'en');
      // The fallback: a code by email.
      const seen = await run.carillon.emailIds(user.email);
      await Promise.all([page.waitForNavigation(), page.locator('form[action*="/sign-in/security-key/email"] button').click()]);
      assert.equal(new URL(page.url()).pathname, '/sign-in/code');
      await submitCode(page, codeIn(await run.carillon.waitForEmail(user.email, { seen })));
      await agreeToTerms(page);
      await assertSignedIn(page);

      for (const lang of LANGS) {
        await page.goto(withLang('/profile/security-keys', lang));
        await checkPage(page, 'security-keys-no-js', lang);
        // Adding without a name: the error state on the name field.
        await Promise.all([page.waitForNavigation(), submitButton(page, KEY_FORM).click()]);
        await checkErrorState(page, 'security-keys-add', lang);
      }
      // Removing: the confirmation, refused while keys are the factor.
      await page.goto(withLang('/profile/security-keys', 'en'));
      await Promise.all([page.waitForNavigation(), page.locator('main table a').first().click()]);
      await checkPage(page, 'security-keys-remove', 'en');
      await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
      assert.match(await errorSummary(page), /last security key/);
      await checkPage(page, 'security-keys-last-key', 'en');
      await Promise.all([page.waitForNavigation(), page.locator('#use-email-codes').click()]);
      await page.goto('/profile/security-keys');
      await Promise.all([page.waitForNavigation(), page.locator('main table a').first().click()]);
      await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
      assert.ok((await page.locator('main').innerText()).includes('The security key was removed.'));
    } finally {
      await ctx.close();
    }
  });
});
