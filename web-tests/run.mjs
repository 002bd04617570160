// Entry point: one process, one server and one browser for every test module, in this order.
// `node run.mjs` (or `npm test`); scripts/browser-tests runs it once per backend.
import './lib/fixture.mjs';
import './tests/layout.test.mjs';
import './tests/sign-in.test.mjs';
import './tests/accounts.test.mjs';
import './tests/security.test.mjs';
import './tests/service-pages.test.mjs';
import './tests/zoom.test.mjs';
import './tests/team-flows.test.mjs';
import './tests/api-keys.test.mjs';
import './tests/accounts-admin.test.mjs';
import './tests/security-keys.test.mjs';
import './tests/templates.test.mjs';
// Last: it reads what the server logged during the others.
import './tests/logs.test.mjs';

// A test module missing from the list above would never run: refuse that.
import { readdirSync, readFileSync } from 'node:fs';
const self = readFileSync(new URL(import.meta.url), 'utf8');
const unlisted = readdirSync(new URL('./tests/', import.meta.url)).filter(
  (file) => file.endsWith('.test.mjs') && !self.includes(`'./tests/${file}'`),
);
if (unlisted.length > 0) throw new Error(`run.mjs does not import: ${unlisted.join(', ')}`);
