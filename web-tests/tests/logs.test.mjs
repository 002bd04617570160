// Runs last: the server's log holds none of the passwords, addresses, codes or link tokens the
// other tests used, through every flow they went.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { secrets } from '../lib/carillon.mjs';
import { run } from '../lib/fixture.mjs';

describe('logs', () => {
  test('no password, address, code or token in the server logs', () => {
    // Tests that used no secret would make this pass trivially: the flows above use dozens.
    assert.ok(secrets.size >= 10, `only ${secrets.size} secrets were used by the tests`);
    const log = run.logs.map((file) => readFileSync(file, 'utf8')).join('\n');
    assert.ok(log.length > 0, 'the server wrote a log');
    // Whole values only: a 5-digit code must not match inside a timestamp's microseconds.
    const escape = (value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const found = [...secrets].filter((value) =>
      new RegExp(`(?<![A-Za-z0-9])${escape(value)}(?![A-Za-z0-9])`).test(log),
    );
    assert.deepEqual(
      found.map((value) => `${value.slice(0, 3)}… (${value.length} chars)`),
      [],
      'values found in the server log',
    );
  });
});
