// Suspending a signed-in person, from the platform admin's pages and from the command line: their
// browser is signed out at its next request and cannot sign in; resuming lets them back. And the
// authenticator app: set up from the profile with the secret shown as text, then signing in with
// its codes, where a code already used is refused.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { before, describe, test } from 'node:test';

import { secret } from '../lib/carillon.mjs';
import { checkErrorState, checkPage, withLang } from '../lib/browser.mjs';
import { context, freshServer, run } from '../lib/fixture.mjs';
import { LANGS, assertSignedIn, errorSummary, signIn, submitMain, submitSignIn } from '../lib/flows.mjs';

/** Signed out: no sign-out form, and a signed-in page sends to sign in. */
async function assertSignedOut(page) {
  await page.goto(withLang('/services', 'en'));
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'your services asks to sign in again');
  assert.equal(await page.locator('form[action*="sign-out"]').count(), 0, 'no sign-out form');
}

describe('suspending an account', () => {
  before(freshServer);

  test('a platform admin suspends a signed-in person: signed out at once, then resumed', async () => {
    const person = await run.carillon.createUser({ name: 'Suspended Person', prefix: 'suspended' });
    const admin = await run.carillon.createUser({ name: 'Suspending Admin', platformAdmin: true, prefix: 'suspender' });
    const personCtx = await context();
    const adminCtx = await context();
    try {
      const theirs = await personCtx.newPage();
      await signIn(theirs, person);
      const page = await adminCtx.newPage();
      await signIn(page, admin);

      // Find them by address (posted, so it is in no URL), then suspend behind a confirmation.
      await page.goto(withLang('/admin/services', 'en'));
      await Promise.all([page.waitForNavigation(), page.locator('main a[href="/admin/users"]').click()]);
      await page.locator('input[name="email"]').fill(`nobody-${Date.now()}@example.gc.ca`);
      await submitMain(page);
      await checkErrorState(page, 'admin-users-unknown', 'en');
      await page.locator('input[name="email"]').fill(person.email);
      await submitMain(page);
      const account = new URL(page.url()).pathname;
      assert.match(account, /^\/admin\/users\/[0-9a-f-]{36}$/);
      for (const lang of LANGS) {
        await page.goto(withLang(account, lang));
        await checkPage(page, 'admin-user', lang);
        await page.goto(withLang(`${account}/suspend`, lang));
        await checkPage(page, 'admin-user-suspend', lang);
      }
      assert.ok((await page.locator('main').innerText()).includes(person.email), 'the confirmation names the account');
      await submitMain(page);
      assert.equal(new URL(page.url()).pathname, account);
      await checkPage(page, 'admin-user-suspended', 'fr');

      // Their next request is signed out, and signing in again gets the vague answer.
      await assertSignedOut(theirs);
      await submitSignIn(theirs, person.email, person.password);
      assert.equal(new URL(theirs.url()).pathname, '/sign-in', 'a suspended account gets no code');
      const suspendedAnswer = await errorSummary(theirs);
      await theirs.goto('/sign-in');
      await submitSignIn(theirs, `nobody-${Date.now()}@example.gc.ca`, person.password);
      assert.equal(await errorSummary(theirs), suspendedAnswer, 'the same answer as an unknown address');

      // Resumed (page, with its confirmation), they sign in again.
      await page.goto(withLang(`${account}/resume`, 'en'));
      await checkPage(page, 'admin-user-resume', 'en');
      await submitMain(page);
      await signIn(theirs, person);

      // The command line does the same.
      assert.match(await run.carillon.cli(['user', 'suspend', '--email', person.email]), /suspended/);
      await assertSignedOut(theirs);
      assert.match(await run.carillon.cli(['user', 'resume', '--email', person.email]), /active again/);
      await signIn(theirs, person);
      await assertSignedIn(theirs);
    } finally {
      await adminCtx.close();
      await personCtx.close();
    }
  });
});

/** RFC 4648 base32 (the secret as the profile shows it: groups of four, no padding). */
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`not base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (RFC 4226 HOTP over 30-second steps): HMAC-SHA-1, 6 digits. */
function totp(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return secret(String(binary).padStart(6, '0'));
}

const stepNow = () => Math.floor(Date.now() / 1000 / 30);

/** The code for a step after `used` (the server refuses a step it accepted), one step ahead at most. */
function nextCode(key, used) {
  const step = Math.max(stepNow(), used + 1);
  assert.ok(step - stepNow() <= 1, 'within the one step of drift the server allows');
  return { step, code: totp(key, step) };
}

describe('authenticator app', () => {
  before(freshServer);

  test('set up from the profile, it signs in; a code already used is refused', async () => {
    assert.equal(totp(Buffer.from('12345678901234567890'), 1), '287082', "RFC 6238's SHA-1 test vector (59 s)");
    const user = await run.carillon.createUser({ name: 'Authenticator Person', prefix: 'totp' });
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      // The first sign-in lists no earlier one (it is not its own "previous sign-in").
      await signIn(page, user, {
        onContinue: async (continuePage) => {
          assert.equal(await continuePage.locator('main table').count(), 0, 'no sign-in listed');
          assert.ok((await continuePage.locator('main').innerText()).includes('This is your first sign-in.'));
        },
      });
      await page.goto(withLang('/profile/authenticator', 'en'));
      await checkPage(page, 'authenticator-setup', 'en');
      const key = base32Decode(secret((await page.locator('main code.secret').innerText()).trim()));
      assert.ok(key.length >= 16, 'a secret of at least 128 bits');
      let used = stepNow() - 2;
      const setup = nextCode(key, used);
      await page.locator('input[name="code"]').fill(setup.code);
      await submitMain(page);
      assert.equal(new URL(page.url()).pathname, '/profile', 'the code confirmed the app');
      used = setup.step;

      const signOut = async () => {
        await Promise.all([page.waitForNavigation(), page.locator('form[action*="sign-out"] button').click()]);
      };
      await signOut();
      await page.goto(withLang('/sign-in', 'en'));
      await submitSignIn(page, user.email, user.password);
      assert.equal(new URL(page.url()).pathname, '/sign-in/totp', 'the password leads to the app code');
      await checkPage(page, 'sign-in-totp', 'en');
      const first = nextCode(key, used);
      await page.locator('input[name="code"]').fill(first.code);
      await submitMain(page);
      assert.equal(new URL(page.url()).pathname, '/sign-in/continue');
      // The sign-in before this one is listed, not this one.
      const rows = await page.locator('main table tbody tr').allInnerTexts();
      assert.equal(rows.length, 1, `one earlier sign-in: ${rows}`);
      assert.ok(rows[0].includes('Code by email'), rows[0]);
      await page.locator('input[name="terms"]').check();
      await submitMain(page);
      await assertSignedIn(page);

      // The same code again, as someone who overheard it would: refused, not signed in.
      await signOut();
      await page.goto(withLang('/sign-in', 'en'));
      await submitSignIn(page, user.email, user.password);
      await page.locator('input[name="code"]').fill(first.code);
      const replayed = await submitMain(page);
      assert.equal(replayed.status(), 400);
      await checkErrorState(page, 'sign-in-totp-replayed', 'en');
      assert.equal(await page.locator('form[action*="sign-out"]').count(), 0, 'not signed in');
    } finally {
      await ctx.close();
    }
  });
});
