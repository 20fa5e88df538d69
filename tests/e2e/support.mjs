// Shared helpers for the end-to-end tests: the real collector on a free loopback
// port, Debian's Chromium driven by Playwright, and the SQLite file read back with
// the sqlite3 CLI.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const COLLECTOR = join(ROOT, 'target', 'server', 'collector');
export const DIST = join(ROOT, 'dist');

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

/**
 * Starts the collector on 127.0.0.1:0 with a fresh database; resolves once it listens.
 * `addr` and `dir` start it again where an earlier one (stopped with `keep`) was.
 */
export async function startCollector({ dist = DIST, args = [], addr = '127.0.0.1:0', dir } = {}) {
  dir ??= mkdtempSync(join(tmpdir(), 'survey-e2e-'));
  const db = join(dir, 'responses.sqlite');
  // The suite posts from 127.0.0.1 far faster than customers do: posting limits out of
  // the way (a test's own args come later and win).
  const limits = ['--post-rate-per-address', '100000', '--post-burst-per-address', '100000'];
  const child = spawn(COLLECTOR, ['--addr', addr, '--db', db, '--dist', dist, ...limits, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  child.stderr.on('data', (d) => log.push(String(d)));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`collector did not start: ${out} ${log.join('')}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`collector exited ${code}: ${log.join('')}`)); });
  });
  return {
    url, db, dir, log,
    rows(sql = 'SELECT * FROM responses ORDER BY seq') { return queryDb(db, sql); },
    /** Stops it; `keep` keeps its database for a collector started again on `dir`. */
    async stop({ keep = false } = {}) {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The password of every account the e2e tests create. */
export const PASSWORD = 'an e2e password of some length';

/**
 * Creates an account on the collector's database as an operator would
 * (`collector user add … --password-stdin`, `--advisor` for a service advisor);
 * resolves to its login.
 */
export function addUser(collector, login, role, dealers = [], advisor = null) {
  const args = ['user', 'add', '--login', login, '--role', role, '--password-stdin', '--db', collector.db];
  if (dealers.length) args.push('--dealers', dealers.join(','));
  if (advisor) args.push('--advisor', advisor);
  execFileSync(COLLECTOR, args, { input: `${PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  return login;
}

/** Signs in on the sign-in page (`/login?next=…`) as a person would. */
export async function signInOnPage(page, collector, login, next = '/static/qr.html') {
  await page.goto(`${collector.url}/login?${new URLSearchParams({ next })}`);
  await page.getByLabel('登录名').fill(login);
  await page.getByLabel('密码').fill(PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname === next),
    page.getByRole('button', { name: '登录' }).click(),
  ]);
}

/** Runs a query against the collector's SQLite file and returns rows as objects. */
export function queryDb(db, sql) {
  const out = execFileSync('sqlite3', ['-json', db, sql], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

/** Launches Debian's headless Chromium with the flags this closed network needs. */
export async function launchBrowser() {
  // Playwright gives every launch a new, empty profile directory of its own.
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A page that records console errors and failed requests, for assertions. */
export async function newPage(browser, viewport = PHONE, options = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...options });
  const page = await context.newPage();
  // Tests wait for the widget itself; waiting for the window's load event as well made
  // a rare run hang on a subresource that never finished (see the closing note).
  const goto = page.goto.bind(page);
  page.goto = (url, options = {}) => goto(url, { waitUntil: 'domcontentloaded', ...options });
  page.consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  // For a test that times out: which requests never finished.
  page.pending = new Set();
  page.on('request', (r) => page.pending.add(r));
  page.on('requestfinished', (r) => page.pending.delete(r));
  page.on('requestfailed', (r) => page.pending.delete(r));
  page.diagnose = () => `pending: ${[...page.pending].map((r) => r.url()).join(', ') || 'none'}; console errors: ${page.consoleErrors.join(' | ') || 'none'}`;
  return page;
}

/**
 * A copy of dist/ with extra files (test fixtures, host pages), for a collector to
 * serve; returns its path. Removed with the returned cleanup function.
 */
export function makeSite(extra) {
  const dir = mkdtempSync(join(tmpdir(), 'survey-site-'));
  cpSync(DIST, dir, { recursive: true });
  for (const [name, content] of Object.entries(extra)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A page like the demo's index.html, mounting one widget with the given data-* attributes. */
export function hostPage(attrs) {
  const data = Object.entries(attrs).map(([k, v]) => ` data-${k}="${v}"`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Survey</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="static/favicon.svg"><link rel="stylesheet" href="static/survey.css">
<script type="module" src="static/boot.js"></script></head>
<body class="demo"><main class="demo-main"><div data-survey-widget${data}></div></main></body></html>`;
}

/**
 * A dealer's page (to be served from `static/`) that embeds the widget with one script
 * tag carrying the given data-* attributes, after `body`.
 */
export function scriptTagPage(attrs, body = '<main><h1>Dealer site</h1></main>') {
  const data = Object.entries(attrs).map(([k, v]) => ` data-${k}="${v}"`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Dealer</title>
<link rel="icon" href="favicon.svg"></head><body>${body}
<script src="survey-widget.js"${data} async></script></body></html>`;
}

/**
 * Answers whatever the current page shows with the first (or, with `pick: 'last'`,
 * the last) option of every group, repeating while new follow-up questions appear,
 * then presses the primary button. Returns false when the thank-you screen is showing.
 */
export async function completeSurvey(page, pick = 'first', scope = page, texts = {}) {
  for (let i = 0; i < 30 && (await answerPageWithFirstOptions(page, texts, { pick, scope })); i++) {
    await scope.locator('.sw-page-title, .sw-done').first().waitFor();
  }
}

/**
 * Answers whatever the current page shows with the first (or, with `pick: 'last'`,
 * the last) option of every group, repeating while new follow-up questions appear,
 * then presses the primary button. `scope` narrows it to one widget (Playwright's CSS
 * locators pierce open shadow roots). Returns false when the thank-you screen shows.
 */
export async function answerPageWithFirstOptions(page, texts = {}, { pick = 'first', scope = page } = {}) {
  if (await scope.locator('.sw-done').count()) return false;
  const done = new Set();
  for (let round = 0; round < 5; round++) {
    let changed = false;
    // Ids, not positions: a follow-up question appearing shifts the positions.
    const ids = await scope.locator('fieldset.sw-q, fieldset.sw-matrix-item')
      .evaluateAll((fs) => fs.filter((f) => !f.querySelector('fieldset')).map((f) => f.id));
    for (const id of ids) {
      if (done.has(id)) continue;
      done.add(id);
      const options = scope.locator(`[id="${id}"] > .sw-choices label.sw-choice`);
      if (await options.count()) {
        await (pick === 'last' ? options.last() : options.first()).click();
        changed = true;
      }
    }
    if (texts.comment !== undefined) {
      for (const area of await scope.locator('.sw-q textarea').all()) await area.fill(texts.comment);
    }
    if (!changed) break;
  }
  const label = scope.locator('.sw-progress-label');
  // The survey may have finished meanwhile (a click landed while it was sending).
  const before = await label.innerText({ timeout: 2000 }).catch(() => null);
  if (before === null) return !(await scope.locator('.sw-done').count());
  await scope.locator('.sw-btn-primary').click();
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await scope.locator('.sw-done').count()) break;
    // The label may vanish between count() and innerText() (the thank-you replaced it).
    if ((await label.count()) && (await label.innerText({ timeout: 200 }).catch(() => before)) !== before) break;
    await page.waitForTimeout(25);
  }
  return true;
}

/**
 * Waits until the widget itself runs: a page the collector served with its first page
 * prerendered shows it before the wasm has started; the widget then takes it over.
 */
export async function widgetRunning(scope) {
  await scope.locator('.sw-page-title, .sw-legend-big, .sw-error-box, .sw-kiosk-start').first().waitFor();
  await scope.locator('[data-sw-prerendered]').waitFor({ state: 'detached' });
}

/** Polls `fn` every 25 ms until it returns a truthy value; returns it. */
export async function until(fn, what, timeout = 30000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
