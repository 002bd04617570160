// What a run is pointed at, from the environment `scripts/browser-tests` sets; every setting has
// a default so `node run.mjs` works by hand after `cargo build -p carillon`.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const testsRoot = path.resolve(here, '..');
const targetDir = process.env.CARGO_TARGET_DIR || path.join(homedir(), '.cache', 'carillon-target');

/** The `carillon` binary under test. */
export const carillonBin = process.env.CARILLON_WEB_TESTS_BIN || path.join(targetDir, 'debug', 'carillon');

/**
 * The database: a PostgreSQL URL (with its master key) or, without one, SQLite in a temporary data
 * directory the harness creates and removes.
 */
export const databaseUrl = process.env.CARILLON_WEB_TESTS_DATABASE_URL || '';
export const masterKey = process.env.CARILLON_WEB_TESTS_MASTER_KEY || '';
export const backend = databaseUrl.startsWith('postgres') ? 'postgres' : 'sqlite';

/** Chromium from Debian's package: playwright-core downloads no browser. */
export const chromiumPath = process.env.CARILLON_WEB_TESTS_CHROMIUM || '/usr/bin/chromium';

/** Where screenshots go: one PNG per screen and language. */
export const outputDir = path.resolve(
  process.env.CARILLON_WEB_TESTS_OUTPUT || path.join(testsRoot, 'output', backend),
);
mkdirSync(outputDir, { recursive: true });

/** Seconds to wait for the server's `/_status` after starting it. */
export const startTimeoutMs = 1000 * Number(process.env.CARILLON_WEB_TESTS_START_TIMEOUT || 60);

/**
 * A Python with the official notifications-python-client (the virtualenv compat/run makes from
 * compat/python/requirements.txt; scripts/browser-tests prepares it and sets this).
 */
export const python =
  process.env.CARILLON_WEB_TESTS_PYTHON || path.join(homedir(), '.cache', 'carillon-compat', 'venv', 'bin', 'python');
