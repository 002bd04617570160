// CSRF refusals as a browser would meet them, security headers, and the session id rotated at
// sign-in.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { context, freshServer, run } from '../lib/fixture.mjs';
import { checkPage, withLang } from '../lib/browser.mjs';
import { LANGS, signIn, submitButton } from '../lib/flows.mjs';

/** The sign-in form's fields as the page gave them (with its CSRF token), filled. */
async function signInForm(page, email = 'someone@example.gc.ca', password = 'not the password') {
  await page.goto('/sign-in');
  const token = await page.locator('form input[name="csrf_token"]').first().getAttribute('value');
  assert.ok(token, 'the sign-in form carries a csrf_token');
  return { csrf_token: token, email, password };
}

describe('security', () => {
  before(freshServer);

  test('a POST from another origin is refused, the same POST from the page is not', async () => {
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const form = await signInForm(page);
      const origin = run.carillon.baseUrl;
      const same = await page.request.post('/sign-in', {
        form,
        headers: { Origin: origin, 'Sec-Fetch-Site': 'same-origin' },
        maxRedirects: 0,
      });
      assert.notEqual(same.status(), 403, 'control: the same form from the page itself is not refused');
      for (const headers of [
        { Origin: 'https://attacker.example' },
        { Origin: 'https://attacker.example', 'Sec-Fetch-Site': 'cross-site' },
        { 'Sec-Fetch-Site': 'cross-site' },
        { 'Sec-Fetch-Site': 'same-site' },
      ]) {
        const response = await page.request.post('/sign-in', { form: await signInForm(page), headers, maxRedirects: 0 });
        assert.equal(response.status(), 403, `refused with ${JSON.stringify(headers)}`);
      }
    } finally {
      await ctx.close();
    }
  });

  test('a POST without the session-bound token, or with a wrong one, is refused', async () => {
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const headers = { Origin: run.carillon.baseUrl };
      const { csrf_token: token, ...rest } = await signInForm(page);
      const missing = await page.request.post('/sign-in', { form: rest, headers, maxRedirects: 0 });
      assert.equal(missing.status(), 403, 'no token');
      const wrong = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      const forged = await page.request.post('/sign-in', { form: { ...rest, csrf_token: wrong }, headers, maxRedirects: 0 });
      assert.equal(forged.status(), 403, 'wrong token');
      // Another session's valid token is not this session's.
      const other = await context();
      try {
        const otherToken = (await signInForm(await other.newPage())).csrf_token;
        const borrowed = await page.request.post('/sign-in', {
          form: { ...rest, csrf_token: otherToken },
          headers,
          maxRedirects: 0,
        });
        assert.equal(borrowed.status(), 403, "another session's token");
      } finally {
        await other.close();
      }
    } finally {
      await ctx.close();
    }
  });

  for (const lang of LANGS) {
    // The refusal page is answered before any page reads the session: it must still speak the
    // session's language.
    test(`a form whose token was tampered with shows the refusal page (${lang})`, async () => {
      const ctx = await context();
      try {
        const page = await ctx.newPage();
        await page.goto(withLang('/forgot-password', lang));
        await page.locator('input[name="email"]').fill('someone@example.gc.ca');
        // The browser sends the form with another token than the page gave, as a forged form
        // would. (Chromium does not let a test rewrite Origin or Sec-Fetch-Site on a navigation;
        // those refusals are tested on requests above.)
        await page.route('**/forgot-password*', (route) => {
          if (route.request().method() !== 'POST') return route.continue();
          const form = new URLSearchParams(route.request().postData() ?? '');
          form.set('csrf_token', 'forged');
          return route.continue({ postData: form.toString() });
        });
        const [response] = await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
        assert.equal(response.status(), 403);
        await checkPage(page, 'request-refused', lang);
      } finally {
        await ctx.close();
      }
    });
  }

  test('pages carry the security headers', async () => {
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const response = await page.goto('/sign-in');
      const headers = response.headers();
      const csp = headers['content-security-policy'] ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(headers['referrer-policy'], 'same-origin');
      assert.match(headers['cache-control'] ?? '', /no-store/);
    } finally {
      await ctx.close();
    }
  });

  test('the session id from before sign-in is not valid after it', async () => {
    const user = await run.carillon.createUser({ prefix: 'rotation' });
    const ctx = await context();
    const stale = await context();
    try {
      const page = await ctx.newPage();
      await page.goto('/sign-in');
      const before = await ctx.cookies();
      assert.ok(before.length > 0, 'a session cookie is set before sign-in');
      await signIn(page, user);
      const after = await ctx.cookies();
      const changed = after.filter((c) => before.some((b) => b.name === c.name && b.value !== c.value));
      assert.ok(changed.length > 0, 'the session cookie changes at sign-in');
      // The old cookie, replayed in another browser, does not reach a signed-in page.
      await stale.addCookies(before);
      const stalePage = await stale.newPage();
      await stalePage.goto(page.url());
      assert.equal(await stalePage.locator('form[action*="sign-out"]').count(), 0, 'the old session is not signed in');
    } finally {
      await stale.close();
      await ctx.close();
    }
  });
});

describe('rate limits', () => {
  before(freshServer);

  test('a client sending too many emails gets the "too many attempts" page, in its language', async () => {
    const ctx = await context();
    try {
      const page = await ctx.newPage();
      const statuses = [];
      // The allowance is 5 emails in 15 minutes per client; the sixth request is refused.
      for (let i = 0; i < 6; i++) {
        await page.goto(withLang('/forgot-password', 'en'));
        await page.locator('input[name="email"]').fill(`limit-${i}@example.gc.ca`);
        const [response] = await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
        statuses.push(response.status());
      }
      assert.deepEqual(statuses.slice(0, 5).map((s) => s < 400), [true, true, true, true, true], `${statuses}`);
      assert.equal(statuses[5], 429);
      await checkPage(page, 'too-many-attempts', 'en');
      await page.goto(withLang('/forgot-password', 'fr'));
      await page.locator('input[name="email"]').fill('limit-fr@example.gc.ca');
      const [response] = await Promise.all([page.waitForNavigation(), submitButton(page).click()]);
      assert.equal(response.status(), 429);
      await checkPage(page, 'too-many-attempts', 'fr');
    } finally {
      await ctx.close();
    }
  });
});
