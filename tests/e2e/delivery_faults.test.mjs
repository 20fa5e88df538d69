// Delivery when the network itself misbehaves, with real sockets: an endpoint that
// holds the answer past the configured timeout, a connection reset mid-request, a
// browser killed outright (kiosk power loss) and started again, and a browser that
// will not store anything (storage blocked or full). Each test ends by reading the
// collector's SQLite table: every submitted response exactly once.
// Also the endpoint settings: extra headers, timeout and the flat body a CRM
// webhook wants, and configuration errors shown in the widget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, PHONE, startCollector, launchBrowser, newPage, makeSite, hostPage, completeSurvey, until } from './support.mjs';
import { startFaultProxy } from './fault_proxy.mjs';

let site;
let collector;
let browser;
before(async () => {
  site = makeSite({});
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

/** Writes a host page into the served site (the collector reads files per request). */
function page(name, attrs, base = collector.url) {
  writeFileSync(join(site.dir, name), hostPage(attrs));
  return `${base}/${name}?lang=en`;
}

const rowsFor = (id) => collector.rows().filter((r) => r.id === id);

/** Answers the short post-call survey; returns the thank-you's time and the response id. */
async function submit(p) {
  await p.locator('.sw-page-title').first().waitFor();
  const started = Date.now();
  await completeSurvey(p, 'last');
  await p.locator('.sw-done').waitFor({ timeout: 10000 });
  return Date.now() - started;
}

/** The response ids the collector has that are not in `known`. */
function newIds(known) {
  return collector.rows().map((r) => r.id).filter((id) => !known.includes(id));
}

async function faultCase(plan, { timeout = '2' } = {}) {
  const proxy = await startFaultProxy(collector.url, plan);
  const known = collector.rows().map((r) => r.id);
  const url = page(`fault-${Date.now()}.html`, {
    survey: 'post-call', endpoint: '/v1/responses', 'timeout-seconds': timeout,
  }, proxy.url);
  const p = await newPage(browser, PHONE, { locale: 'en-US' });
  await p.goto(url);
  const took = await submit(p);
  const [id] = await until(() => { const ids = newIds(known); return ids.length ? ids : null; }, 'a stored row');
  await until(() => proxy.posts.some((x) => x.action === 'pass' && x.status), 'an answered attempt');
  // The outbox forgets the response once an attempt is confirmed.
  await until(async () => (await p.evaluate(() => localStorage.getItem('survey-widget:outbox') || '')).indexOf('"entries":[]') >= 0, 'an empty outbox');
  await new Promise((r) => setTimeout(r, 500));
  const result = { id, took, posts: [...proxy.posts], rows: rowsFor(id), errors: p.consoleErrors };
  await p.context().close();
  await proxy.close();
  return result;
}

test('an endpoint that holds the answer past the timeout: abandoned, retried, stored once', async () => {
  const r = await faultCase((n) => (n === 1 ? 'hang' : 'pass'), { timeout: '2' });
  assert.equal(r.rows.length, 1, 'one row');
  assert.ok(r.posts.length >= 2, `retried (${r.posts.length} POSTs)`);
  assert.equal(r.posts[0].status, 201, 'the held request did reach the collector');
  assert.equal(r.posts[1].status, 200, 'the retry was recognised as a repeat');
  const gap = r.posts[1].at - r.posts[0].at;
  assert.ok(gap >= 2000, `the retry came after the 2 s timeout (${gap} ms)`);
  assert.ok(r.posts.every((x) => x.headers['idempotency-key'] === r.id), 'every attempt carries the id');
  assert.ok(r.took < 8000, `the customer was thanked without waiting for the network (${r.took} ms)`);
  console.log(`hang: ${r.posts.length} POSTs, retry ${gap} ms after the first, thank-you after ${r.took} ms`);
});

test('a connection reset after the collector stored it: retried, stored once', async () => {
  const r = await faultCase((n) => (n === 1 ? 'reset-after' : 'pass'));
  assert.equal(r.rows.length, 1);
  assert.equal(r.posts[0].status, 201);
  assert.equal(r.posts.at(-1).status, 200, 'the last attempt was answered as a duplicate');
  console.log(`reset after store: ${r.posts.length} POSTs`);
});

test('a connection reset mid-body, before the collector saw it: retried, stored once', async () => {
  const r = await faultCase((n) => (n <= 2 ? 'reset-before' : 'pass'));
  assert.equal(r.rows.length, 1);
  assert.equal(r.posts.length, 3, 'two resets, then one delivery');
  assert.equal(r.posts[2].status, 201, 'first seen by the collector on the third attempt');
  assert.equal(r.posts[0].body, '', 'the reset came before the body was read');
  console.log(`reset before store: ${r.posts.length} POSTs`);
});

/** A stand-in for a dealer's CRM webhook: stores what it receives, answers CORS. */
async function startCrm() {
  const received = [];
  const server = http.createServer((req, res) => {
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'POST',
      'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key, X-Dealer-Route',
    };
    if (req.method === 'OPTIONS') { res.writeHead(204, cors); res.end(); return; }
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(body) });
      res.writeHead(202, { ...cors, 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, received, close: () => new Promise((r) => server.close(r)) };
}

test('a CRM webhook gets flat fields under its own names, with its routing header', async () => {
  const crm = await startCrm();
  // The dealer's site, another origin than the webhook's, without the collector's CSP.
  const dealer = await startFaultProxy(collector.url, () => 'pass', { dropCsp: true });
  const fields = JSON.stringify({ ResponseId: 'id', Dealer: 'context.dealer', NPS: 'score.nps', Overall: 'answers.nps', Category: 'score.nps.category', Submitted: 'created_at' });
  const url = page('crm.html', {
    survey: 'post-call', endpoint: `${crm.url}/hooks/survey`, payload: 'flat',
    'payload-fields': fields.replaceAll('"', '&quot;'),
    'endpoint-headers': '{&quot;X-Dealer-Route&quot;:&quot;north-7&quot;}',
  }, dealer.url);
  const p = await newPage(browser, PHONE, { locale: 'en-US' });
  await p.goto(`${url}&dealer=D042`);
  await submit(p);
  await until(() => crm.received.length, 'the webhook call');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(crm.received.length, 1, 'called once');
  const { headers, body } = crm.received[0];
  assert.deepEqual(Object.keys(body).sort(), ['Category', 'Dealer', 'NPS', 'Overall', 'ResponseId', 'Submitted']);
  assert.match(body.ResponseId, /^[0-9a-f-]{36}$/);
  assert.equal(headers['idempotency-key'], body.ResponseId);
  assert.equal(headers['x-dealer-route'], 'north-7');
  assert.equal(body.Dealer, 'D042');
  assert.equal(typeof body.NPS, 'number');
  assert.equal(body.NPS, body.Overall, 'the NPS score is the answer to the NPS question');
  assert.ok(['promoter', 'passive', 'detractor'].includes(body.Category), body.Category);
  assert.match(body.Submitted, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  await p.context().close();
  await crm.close();
  await dealer.close();
});

test('endpoint configuration errors are shown, naming the attribute', async () => {
  const cases = [
    [{ endpoint: 'http://203.0.113.9/hook' }, 'data-endpoint: "http://203.0.113.9/hook" would send answers unencrypted'],
    [{ endpoint: '/v1/responses', 'endpoint-headers': '{&quot;Authorization&quot;:&quot;Bearer x&quot;}' }, 'data-endpoint-headers: "Authorization" cannot be configured'],
    [{ endpoint: '/v1/responses', 'timeout-seconds': '0' }, 'data-timeout-seconds: expected a whole number from 1 to 120, found "0"'],
    [{ endpoint: '/v1/responses', payload: 'flat', 'payload-fields': '{&quot;ResponseId&quot;:&quot;id&quot;,&quot;Score&quot;:&quot;answers.overal&quot;}' },
      'data-payload-fields: "Score" reads answers.overal, but the questionnaire has no question "overal"'],
  ];
  for (const [i, [attrs, message]] of cases.entries()) {
    const p = await newPage(browser, PHONE, { locale: 'en-US' });
    await p.goto(page(`bad-${i}.html`, { survey: 'post-call', ...attrs }));
    const box = p.locator('.sw-error-box');
    await box.waitFor();
    assert.ok((await box.innerText()).includes(message), `${await box.innerText()} / ${message}`);
    assert.ok(p.consoleErrors.some((e) => e.includes(message)), 'also on the console');
    await p.context().close();
  }
});

// ---- a browser of its own, on a profile directory that outlives it

/** Chromium's helper processes may still be writing for a moment after it exits. */
function removeProfile(dir) {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (e) {
    console.log(`left ${dir}: ${e.message}`);
  }
}

/** Starts Debian's Chromium on `profile` and connects to it; `kill()` is the power cord. */
async function launchOnProfile(profile) {
  const child = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ws = await new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${err}`)), 20000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  const cdp = await chromium.connectOverCDP(ws);
  const context = cdp.contexts()[0];
  const open = async (url) => {
    const p = await context.newPage();
    await p.setViewportSize(PHONE);
    p.consoleErrors = [];
    p.consoleWarnings = [];
    p.on('console', (m) => {
      if (m.type() === 'error') p.consoleErrors.push(m.text());
      if (m.type() === 'warning') p.consoleWarnings.push(m.text());
    });
    p.on('pageerror', (e) => p.consoleErrors.push(String(e)));
    await p.goto(url, { waitUntil: 'domcontentloaded' });
    return p;
  };
  const exited = new Promise((r) => child.on('exit', r));
  return {
    open,
    async kill() { child.kill('SIGKILL'); await exited; },
    async close() { await cdp.close().catch(() => {}); child.kill('SIGTERM'); await exited; },
  };
}

test('kiosk power loss: the browser is killed with responses queued; restarted, it delivers them once', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'survey-profile-'));
  // The lounge Wi-Fi: pages load, but every POST is cut off before it arrives.
  let wifi = 'down';
  const proxy = await startFaultProxy(collector.url, () => (wifi === 'down' ? 'reset-before' : 'pass'));
  const url = page('power.html', { survey: 'post-call', endpoint: '/v1/responses', mode: 'kiosk' }, proxy.url);
  try {
    let b = await launchOnProfile(profile);
    const p = await b.open(url);
    for (let i = 0; i < 2; i++) {
      await p.locator('.sw-kiosk-start').click();
      await submit(p);
      await p.reload({ waitUntil: 'domcontentloaded' });
    }
    const ids = await p.evaluate(() => JSON.parse(localStorage.getItem('survey-widget:outbox')).entries.map((e) => e.id));
    assert.equal(ids.length, 2, 'both responses are in the outbox');
    assert.ok(ids.every((id) => rowsFor(id).length === 0), 'none delivered yet');
    // Chromium writes localStorage to disk in batches; the cut comes this long after
    // the last thank-you, otherwise unannounced.
    const settle = Number(process.env.POWER_LOSS_SETTLE_MS ?? 1000);
    await new Promise((r) => setTimeout(r, settle));
    await b.kill();

    wifi = 'up';
    const before = proxy.posts.length;
    b = await launchOnProfile(profile);
    const q = await b.open(url);
    await until(() => ids.every((id) => rowsFor(id).length === 1), 'both rows', 60000).catch((e) => {
      throw new Error(`${e.message}; console: ${[...q.consoleErrors, ...q.consoleWarnings].join(' | ')}; posts: ${proxy.posts.slice(before).map((x) => x.action).join(',')}`);
    });
    const restored = q.consoleWarnings.filter((w) => /restored from the journal/.test(w)).length;
    console.log(`power loss ${settle} ms after the thank-you: ${restored} of 2 restored from the IndexedDB journal`);
    await new Promise((r) => setTimeout(r, 1000));
    for (const id of ids) assert.equal(rowsFor(id).length, 1, `${id} once`);
    const after = proxy.posts.slice(before).filter((x) => x.action === 'pass');
    assert.deepEqual(after.map((x) => x.headers['idempotency-key']).sort(), [...ids].sort(), 'one POST each after the restart');
    await q.close();
    await b.close();
  } finally {
    await proxy.close();
    removeProfile(profile);
  }
});

test('storage blocked (cookies and site data off): sent directly, and the customer is told', async () => {
  const profile = mkdtempSync(join(tmpdir(), 'survey-profile-'));
  mkdirSync(join(profile, 'Default'), { recursive: true });
  // What a customer gets by blocking site data in Chromium's settings.
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({
    profile: { default_content_setting_values: { cookies: 2 } },
  }));
  const url = page('blocked.html', { survey: 'post-call', endpoint: '/v1/responses' });
  const known = collector.rows().map((r) => r.id);
  const b = await launchOnProfile(profile);
  try {
    const p = await b.open(url);
    const blocked = await p.evaluate(() => { try { localStorage.setItem('x', '1'); return false; } catch { return true; } });
    assert.ok(blocked, 'localStorage really is blocked in this profile');
    await p.locator('.sw-page-title').first().waitFor({ timeout: 10000 }).catch(() => {
      throw new Error(`no survey: ${p.consoleErrors.join(' | ')}`);
    });
    await submit(p);
    const note = p.locator('.sw-done-note');
    assert.match(await note.innerText(), /does not let us save your answers on this device/);
    const [id] = await until(() => { const ids = newIds(known); return ids.length ? ids : null; }, 'the row');
    assert.equal(rowsFor(id).length, 1);
    await p.close();
  } finally {
    await b.close();
    removeProfile(profile);
  }
});

test('storage full: sent directly, and the customer is told', async () => {
  const known = collector.rows().map((r) => r.id);
  const p = await newPage(browser, PHONE, { locale: 'en-US' });
  await p.goto(page('full.html', { survey: 'post-call', endpoint: '/v1/responses' }));
  await p.locator('.sw-page-title').first().waitFor();
  // Fill the origin's quota with someone else's data, down to the last character.
  const stored = await p.evaluate(() => {
    let n = 0;
    for (let size = 1 << 20; size >= 1; size >>= 1) {
      const chunk = 'x'.repeat(size);
      for (;;) {
        try { localStorage.setItem(`filler-${n}`, chunk); n++; } catch { break; }
      }
    }
    return n;
  });
  assert.ok(stored > 0);
  await submit(p);
  assert.match(await p.locator('.sw-done-note').innerText(), /does not let us save your answers on this device/);
  await p.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/storage-full-thanks-phone.png'), fullPage: true });
  const [id] = await until(() => { const ids = newIds(known); return ids.length ? ids : null; }, 'the row');
  assert.equal(rowsFor(id).length, 1);
  await p.context().close();
});
