// What every test shares in one run: one carillon process and one Chromium, started before the
// first test and stopped after the last (tests make their own users and browser contexts).
import { before, after } from 'node:test';

import { Carillon } from './carillon.mjs';
import { launchBrowser, newContext } from './browser.mjs';
import * as settings from './settings.mjs';

export const run = { carillon: null, browser: null };

before(async () => {
  console.log(`web tests: backend ${settings.backend}, screenshots in ${settings.outputDir}`);
  run.carillon = await Carillon.start();
  run.browser = await launchBrowser();
});

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
