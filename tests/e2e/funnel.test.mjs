// The survey's own funnel (issue 15, HEART), end to end: real Chromium posts the
// widget's beacons to a real collector; one customer answers two pages and closes the
// tab (abandoned), another completes the survey with a comment; the console's #funnel
// page then shows the numbers the beacons make, and no beacon carried an answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  startCollector, launchBrowser, newPage, addUser, signInOnPage, until,
  answerPageWithFirstOptions, completeSurvey, widgetRunning, PHONE,
} from './support.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const ZONE = 'Asia/Shanghai';
const SHOTS = process.env.FUNNEL_SHOTS || '/tmp/funnel-15-shots';
const SECRET = '服务顾问态度很差 SECRET-COMMENT-4711';

let collector;
let browser;
const beacons = [];
const responses = [];
before(async () => {
  collector = await startCollector();
  addUser(collector, 'cx-admin', 'group-admin');
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** A customer's phone on the survey page of dealer D001 (a QR link), recording what it posts. */
async function customer() {
  const page = await newPage(browser, PHONE, { timezoneId: ZONE });
  page.on('request', (r) => {
    if (r.method() !== 'POST') return;
    if (r.url().endsWith('/v1/beacons')) beacons.push(r.postData() ?? '');
    if (r.url().endsWith('/v1/responses')) responses.push(r.postData() ?? '');
  });
  await page.goto(`${collector.url}/?dealer=D001&advisor=A01&ro=RO-1`);
  await widgetRunning(page);
  return page;
}

const stored = () => collector.rows('SELECT visit, stage, page, channel, dealer FROM beacons ORDER BY seq');

test('an abandoned visit and a completed one make the funnel the console shows', async () => {
  // 1. Two pages answered, then the tab is closed: opened, started, page 2, page 3, abandoned.
  const left = await customer();
  assert.ok(await answerPageWithFirstOptions(left));
  assert.ok(await answerPageWithFirstOptions(left));
  await until(() => stored().some((b) => b.page === 3), 'the page 3 beacon');
  await left.close({ runBeforeUnload: true });
  await until(() => stored().filter((b) => b.stage === 'abandoned').length === 1, 'the abandon beacon of the closed tab', 10000);

  // 2. Another customer completes it, with a comment.
  const done = await customer();
  await completeSurvey(done, 'first', done, { comment: SECRET });
  await done.locator('.sw-done').waitFor();
  await until(() => stored().some((b) => b.stage === 'completed'), 'the completed beacon');
  await done.context().close();

  const rows = stored();
  const visits = [...new Set(rows.map((b) => b.visit))];
  assert.equal(visits.length, 2, JSON.stringify(rows));
  assert.ok(rows.every((b) => b.channel === 'qr' && b.dealer === 'D001'), JSON.stringify(rows));
  const per = (stage) => new Set(rows.filter((b) => b.stage === stage).map((b) => b.visit)).size;
  assert.deepEqual([per('opened'), per('started'), per('completed'), per('abandoned')], [2, 2, 1, 1]);

  // 3. No beacon holds an answer: the comment went in the response, never in a beacon.
  assert.ok(responses.some((r) => r.includes('SECRET-COMMENT-4711')), 'the comment was posted with the response');
  for (const b of beacons) {
    assert.ok(!b.includes('SECRET') && !b.includes('服务顾问'), `a beacon carried the comment: ${b}`);
    const keysOf = Object.keys(JSON.parse(b)).sort();
    assert.ok(keysOf.every((k) => ['channel', 'dealer', 'elapsed_ms', 'format', 'page', 'stage', 'survey', 'visit'].includes(k)), b);
    assert.ok(!b.includes('A01') && !b.includes('RO-1'), `a beacon carried the visit's context: ${b}`);
  }

  // Every stage once per visit: no (visit, stage, page) twice among what was sent.
  const keys = beacons.map((b) => { const j = JSON.parse(b); return `${j.visit} ${j.stage} ${j.page ?? 0}`; });
  assert.equal(new Set(keys).size, keys.length, `a beacon sent twice: ${keys.join(', ')}`);

  // 4. The console's funnel: 2 opened, 1 completed (50%), the abandoned visit's last page 3.
  const page = await newPage(browser, { width: 1366, height: 768 }, { locale: 'zh-CN', timezoneId: ZONE });
  await signInOnPage(page, collector, 'cx-admin', '/console');
  await page.goto(`${collector.url}/console#funnel`);
  const qr = page.locator('.c-funnel-channel[data-channel="qr"]');
  await qr.waitFor();
  assert.equal(await qr.locator('[data-figure="completion"]').innerText(), '50.0%');
  assert.equal(await qr.locator('[data-figure="give-up"]').innerText(), '第 3 页');
  const table = await qr.locator('table[data-table="funnel"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  const api = await (await page.request.get(`${collector.url}/v1/funnel?survey=post-service&by=channel`)).json();
  const want = api.rows.find((r) => r.channel === 'qr');
  assert.deepEqual(table.map((r) => Number(r[1])),
    [want.opened, want.started, ...want.pages.map((p) => p.visits), want.completed, want.abandoned]);
  assert.deepEqual(table.slice(0, 4).map((r) => r[1]), ['2', '2', '2', '2']);
  assert.equal(table.at(-2)[1], '1', 'completed');
  assert.equal(table.at(-1)[1], '1', 'abandoned');
  const median = want.median_ms_to_complete;
  assert.ok(median > 0, JSON.stringify(want));
  const s = Math.round(median / 1000);
  assert.equal(await qr.locator('[data-figure="median"]').innerText(), `${Math.floor(s / 60)}分${String(s % 60).padStart(2, '0')}秒`);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('axe: #funnel in zh-CN and en at 1366x768 and 768x1024, with screenshots', async () => {
  const violations = [];
  for (const viewport of [{ width: 1366, height: 768 }, { width: 768, height: 1024 }]) {
    const page = await newPage(browser, viewport, { locale: 'zh-CN', timezoneId: ZONE, bypassCSP: true });
    await signInOnPage(page, collector, 'cx-admin', '/console');
    await page.goto(`${collector.url}/console#funnel`);
    for (const lang of ['zh-CN', 'en']) {
      if (lang === 'en') await page.getByLabel('语言').selectOption('en');
      await page.locator(`.c-app[lang="${lang}"] .c-funnel-channel`).first().waitFor();
      await page.evaluate(AXE);
      const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
      violations.push(...result.violations.map((v) => `${lang} ${viewport.width}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      await page.screenshot({ path: join(SHOTS, `funnel-${lang}-${viewport.width}x${viewport.height}.png`), fullPage: true });
      const widest = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(widest <= viewport.width, `no sideways scrolling at ${viewport.width}: ${widest}`);
    }
    await page.context().close();
  }
  assert.deepEqual(violations, []);
});
