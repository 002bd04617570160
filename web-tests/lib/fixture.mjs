// What every test shares in one run: one carillon process and one Chromium, started before the
// first test and stopped after the last (tests make their own users and browser contexts).
import { before, after } from 'node:test';

import { Carillon } from './carillon.mjs';
import { launchBrowser, newContext } from './browser.mjs';
import * as settings from './settings.mjs';

export const run = { carillon: null, browser: null, logs: [] };

before(async () => {
  console.log(`web tests: backend ${settings.backend}, screenshots in ${settings.outputDir}`);
  run.carillon = await Carillon.start();
  run.logs.push(run.carillon.logPath);
  run.browser = await launchBrowser();
});

/**
 * Replaces the server with a new process (SQLite: a new data directory; PostgreSQL: the same
 * database). The server limits sign-ins, codes and emails per client and per process (20 sign-ins
 * in 5 minutes, 5 emails in 15), and every browser here is the same client, 127.0.0.1: each group
 * of tests starts with fresh counts instead of meeting a 429 meant for an attacker. `options` go to
 * `Carillon.start` (`{ publicHost: 'localhost' }` for WebAuthn).
 */
export async function freshServer(options) {
  const old = run.carillon;
  run.carillon = null;
  await old.stop();
  run.carillon = await Carillon.start(options);
  run.logs.push(run.carillon.logPath);
}

after(async () => {
  try {
    await run.browser?.close();
  } finally {
    await run.carillon?.stop();
  }
});

/** A new JavaScript-off context on the server under test; close it when done. */
export function context(options) {
  return newContext(run.browser, run.carillon.baseUrl, options);
}
