// Starts and stops the `carillon` process under test and runs its command line (users, outbox)
// against the same database, as an operator would.
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import * as settings from './settings.mjs';

/**
 * Every password, address, code and link token the tests used or received: none of them may
 * appear in the server's log (tests/logs.test.mjs checks it after the others).
 */
export const secrets = new Set();

/** Remembers `values` as secrets; returns the first. */
export function secret(...values) {
  for (const value of values) if (value) secrets.add(String(value));
  return values[0];
}

/** A free loopback port: bound and released, so carillon can bind it next. */
async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * The environment of every carillon process: only the database settings, so a CARILLON_*
 * variable from the caller's shell cannot point it elsewhere. The URL and master key travel in
 * the environment, not argv, so neither shows in `ps`.
 */
function carillonEnv(dataDir) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('CARILLON_')) env[key] = value;
  }
  if (settings.databaseUrl) {
    env.CARILLON_DATABASE_URL = settings.databaseUrl;
    env.CARILLON_MASTER_KEY = settings.masterKey;
  } else {
    env.CARILLON_DATA_DIR = dataDir;
  }
  return env;
}

export class Carillon {
  /** Processes started in this run, to name their logs. */
  static started = 0;

  /**
   * Starts `carillon serve --role all` (web pages, API and a worker delivering to the outbox).
   * `publicHost: 'localhost'` makes `http://localhost:<port>` its public address and the
   * browser's: WebAuthn refuses an IP address as relying party id.
   */
  static async start({ publicHost = null } = {}) {
    const work = mkdtempSync(path.join(tmpdir(), 'carillon-web-tests-'));
    const dataDir = path.join(work, 'data');
    const port = await freePort();
    Carillon.started += 1;
    const logPath = path.join(settings.outputDir, `carillon-${Carillon.started}.log`);
    const log = openSync(logPath, 'w');
    const args = ['serve', '--role', 'all', '--listen', `127.0.0.1:${port}`];
    const baseUrl = publicHost ? `http://${publicHost}:${port}` : `http://127.0.0.1:${port}`;
    if (publicHost) args.push('--public-url', baseUrl);
    const child = spawn(settings.carillonBin, args, {
      env: carillonEnv(dataDir),
      stdio: ['ignore', log, log],
    });
    const carillon = new Carillon(child, work, dataDir, baseUrl, logPath);
    await carillon.#waitUntilServing(`http://127.0.0.1:${port}`);
    return carillon;
  }

  constructor(child, work, dataDir, baseUrl, logPath) {
    this.child = child;
    this.work = work;
    this.dataDir = dataDir;
    this.baseUrl = baseUrl;
    this.logPath = logPath;
    this.exited = null;
    child.on('exit', (code, signal) => {
      this.exited = { code, signal };
    });
  }

  /** Polls `/_status` at `origin` (the loopback address: `localhost` may resolve to ::1 first). */
  async #waitUntilServing(origin) {
    const deadline = Date.now() + settings.startTimeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(
          `carillon exited (${JSON.stringify(this.exited)}) before serving; its log:\n${this.logTail()}`,
        );
      }
      try {
        const response = await fetch(`${origin}/_status`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(`carillon did not answer /_status within ${settings.startTimeoutMs} ms:\n${this.logTail()}`);
  }

  logTail(lines = 40) {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, then it must exit 0 within ten seconds. */
  async stop() {
    try {
      if (!this.exited) {
        this.child.kill('SIGTERM');
        const stopped = await Promise.race([once(this.child, 'exit'), sleep(10_000, 'timeout')]);
        if (stopped === 'timeout') {
          this.child.kill('SIGKILL');
          throw new Error('carillon was still running 10 s after SIGTERM');
        }
      }
      if (this.exited.code !== 0) {
        throw new Error(`carillon exited with ${JSON.stringify(this.exited)}:\n${this.logTail()}`);
      }
    } finally {
      rmSync(this.work, { recursive: true, force: true });
    }
  }

  /** Runs a carillon subcommand against the same database; resolves to its stdout. */
  cli(args, { input } = {}) {
    return new Promise((resolve, reject) => {
      const child = execFile(
        settings.carillonBin,
        args,
        { env: carillonEnv(this.dataDir), maxBuffer: 16 * 1024 * 1024 },
        (error, stdout) => {
          if (error) {
            reject(new Error(`carillon ${args[0]} ${args[1] ?? ""} failed: ${error.message}`));
          } else {
            resolve(stdout);
          }
        },
      );
      // A command that reads no input may exit before it is written: its exit status tells
      // whether it worked, so a broken pipe here is not an error of its own.
      child.stdin.on('error', () => {});
      child.stdin.end(input ?? '');
    });
  }

  /**
   * Creates an active user with `carillon user create`; resolves to its email and password.
   * Each call makes a new address, so tests do not share accounts (lockout counters, sessions).
   */
  async createUser({ name = 'Test Person', platformAdmin = false, prefix = 'person' } = {}) {
    const email = `${prefix}-${randomBytes(5).toString('hex')}@example.gc.ca`;
    const password = `Pw-${randomBytes(12).toString('base64url')}`;
    const args = ['user', 'create', '--email', email, '--name', name, '--password-stdin'];
    if (platformAdmin) args.push('--platform-admin');
    secret(email, password);
    await this.cli(args, { input: `${password}\n` });
    return { email, password, name };
  }

  /** The outbox's messages, newest first (`carillon outbox list --json`). */
  async outbox(limit = 100) {
    return JSON.parse(await this.cli(['outbox', 'list', '--json', '--limit', String(limit)]));
  }

  /** One whole outbox message, with its text and HTML (`carillon outbox show --json`). */
  async outboxMessage(id) {
    return JSON.parse(await this.cli(['outbox', 'show', id, '--json']));
  }

  /**
   * Waits for an email to `to` that was not in `seen` (ids of messages already read), and returns
   * it whole. The worker delivers to the outbox asynchronously, so this polls.
   */
  async waitForEmail(to, { seen = new Set(), timeoutMs = 20_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.outbox()).find(
        (m) => m.type === 'email' && m.to.toLowerCase() === to.toLowerCase() && !seen.has(m.id),
      );
      if (found) {
        secret(found.to);
        return this.outboxMessage(found.id);
      }
      if (Date.now() > deadline) throw new Error(`no new email reached the outbox within ${timeoutMs} ms`);
      await sleep(250);
    }
  }

  /** Ids of the emails to `to` already in the outbox, to tell the next one from them. */
  async emailIds(to) {
    return new Set(
      (await this.outbox()).filter((m) => m.to.toLowerCase() === to.toLowerCase()).map((m) => m.id),
    );
  }
}

/** The one-time code in an email's text (GC Notify's codes have five digits). */
export function codeIn(message) {
  const match = /\b(\d{5})\b/.exec(message.text);
  if (!match) throw new Error(`no 5-digit code in the email (subject: ${message.subject})`);
  return secret(match[1]);
}

/**
 * The path (with its query) of the first link in an email's text whose path starts with
 * `pathPrefix`. Only the path: the server under test listens on a port of its own, whatever base
 * URL the emails are written with.
 */
export function linkIn(message, pathPrefix) {
  for (const link of message.text.match(/https?:\/\/[^\s)>\]]+/g) ?? []) {
    const url = new URL(link);
    if (url.pathname.startsWith(pathPrefix)) {
      // The token is the path's last segment.
      secret(url.pathname.split('/').pop());
      return `${url.pathname}${url.search}`;
    }
  }
  throw new Error(`no link to ${pathPrefix} in the email (subject: ${message.subject})`);
}
