// The console's follow-up call list and coverage (issue 16): a manager imports a CSV of
// repair orders through the #calls page (a refused file shows the server's line), an
// agent sees the calls due today grouped by due date with the overdue one first, logs a
// no-answer (the second attempt is scheduled for tomorrow: the row leaves today's list
// and comes back when the collector's test-moved clock reaches tomorrow), then a reached
// call; #coverage shows the numbers; axe in zh-CN and en, screenshots at 1366 and 1024.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, newPage, addUser, signInOnPage, until, queryDb } from './support.mjs';
import { answersFor } from '../seed/seed.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DESK = { width: 1366, height: 768 };
const ZONE = 'Asia/Shanghai';
const DEF = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));
const SHOTS = '/tmp/calls-16-shots';

let collector;
let browser;
/** Days the collector's clock was moved forward. */
let moved = 0;
/** The pickup dates imported, by repair order. */
const PICKUP = {};
before(async () => {
  process.env.COLLECTOR_TEST_HOOKS = '1';
  collector = await startCollector();
  delete process.env.COLLECTOR_TEST_HOOKS;
  addUser(collector, 'agent-1', 'follow-up-agent', ['D001']);
  addUser(collector, 'mgr-1', 'dealer-manager', ['D001']);
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** The collector's today in Shanghai, `days` later. */
function shanghai(days) {
  return new Date(Date.now() + (moved + days) * 86400e3 + 8 * 3600e3).toISOString().slice(0, 10);
}

async function advanceDays(n) {
  const r = await fetch(`${collector.url}/v1/test/clock?advance_ms=${n * 86400e3}`, { method: 'POST' });
  assert.equal(r.status, 200, await r.text());
  moved += n;
}

async function consolePage(login, hash, { viewport = DESK, locale = 'zh-CN' } = {}) {
  const page = await newPage(browser, viewport, { locale, timezoneId: ZONE, bypassCSP: true });
  await signInOnPage(page, collector, login, '/console');
  await page.goto(`${collector.url}/console${hash}`);
  return page;
}

const rowOf = (page, ro) => page.locator('[data-table="calls"] tbody tr', { hasText: ro });
const visit = (ro) => queryDb(collector.db, `SELECT status, due_on, attempts FROM visits WHERE repair_order = '${ro}'`)[0];

async function importFile(page, name, text) {
  await page.locator('#imp-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.getByRole('button', { name: '导入', exact: true }).click();
}

test('calls: import through the console, the calls due, no answer schedules a second attempt, reached ends it', async () => {
  const page = await consolePage('mgr-1', '#calls');
  await page.locator('#calls-h').waitFor();
  // A refused file: the server's line, word for word; nothing stored.
  await importFile(page, 'bad.csv', 'RO,dealer,advisor,customer phone,pickup date\nE2E-X,D001,A07,,2026-11-28\nE2E-Y,D001,A07,,2026/13/01\n');
  await until(async () => (await page.locator('[data-import-error]').count()) > 0, 'the refusal', 5000);
  assert.equal(await page.locator('[data-import-error]').innerText(),
    'line 3, pickup date: "2026/13/01" is not a date (YYYY-MM-DD)');
  assert.equal(queryDb(collector.db, 'SELECT COUNT(*) AS n FROM visits')[0].n, 0);
  // The good file, with a BOM as Excel writes it; twice: nothing counted twice.
  Object.assign(PICKUP, { 'E2E-DUE': shanghai(-3), 'E2E-LATE': shanghai(-9), 'E2E-NEW': shanghai(0) });
  const csv = '\ufeffRO,dealer,advisor,customer phone,pickup date\r\n'
    + `E2E-DUE,D001,A07,13800138000,${shanghai(-3)}\r\n`
    + `E2E-LATE,D001,A07,13900139000,${shanghai(-9)}\r\n`
    + `E2E-NEW,D001,A08,13700137000,${shanghai(0)}\r\n`;
  await importFile(page, 'ro.csv', csv);
  await until(async () => (await page.locator('[data-imported]').count()) > 0, 'imported', 5000);
  assert.equal(await page.locator('[data-imported]').getAttribute('data-imported'), '3');
  await importFile(page, 'ro.csv', csv);
  await until(async () => (await page.locator('[data-imported="0"]').count()) > 0, 'imported again', 5000);
  assert.equal(queryDb(collector.db, 'SELECT COUNT(*) AS n FROM visits')[0].n, 3);
  await page.context().close();

  const agent = await consolePage('agent-1', '#calls');
  await rowOf(agent, 'E2E-DUE').waitFor();
  // Grouped by due date, oldest first: the overdue call's group comes first, marked.
  const groups = await agent.locator('[data-table="calls"]').evaluateAll((ts) => ts.map((t) => t.dataset.dueOn));
  assert.deepEqual(groups, [shanghai(-6), shanghai(0)]);
  assert.match(await agent.locator('[data-table="calls"] caption').first().innerText(), /已逾期/);
  assert.match(await rowOf(agent, 'E2E-LATE').innerText(), /逾期/);
  assert.equal(await rowOf(agent, 'E2E-NEW').count(), 0, 'picked up today: not due yet');
  const cells = await rowOf(agent, 'E2E-DUE').locator('th, td').allInnerTexts();
  assert.deepEqual(cells.slice(0, 6), ['E2E-DUE', 'D001', 'A07', shanghai(-3), '13800138000', '0']);
  const id = queryDb(collector.db, "SELECT id FROM visits WHERE repair_order = 'E2E-DUE'")[0].id;
  assert.equal(await rowOf(agent, 'E2E-DUE').getByRole('link', { name: '电话访问' }).getAttribute('href'),
    `/console/interview?followup=${id}&dealer=D001`);

  // No answer: the second attempt is tomorrow's, so the row leaves today's list.
  await rowOf(agent, 'E2E-DUE').getByRole('button', { name: '无人接听' }).click();
  await until(async () => (await rowOf(agent, 'E2E-DUE').count()) === 0, 'off today\'s list', 5000);
  assert.match(await agent.locator('[data-call-status]').innerText(), new RegExp(`E2E-DUE: retry · ${shanghai(1)}`));
  assert.deepEqual(visit('E2E-DUE'), { status: 'retry', due_on: shanghai(1), attempts: 1 });
  await agent.context().close();

  // Tomorrow (the collector's clock) it is back, as the second attempt; reached ends it.
  await advanceDays(1);
  const next = await consolePage('agent-1', '#calls');
  await rowOf(next, 'E2E-DUE').waitFor();
  assert.match(await rowOf(next, 'E2E-DUE').locator('[data-attempts]').innerText(), /1 \(第二次拨打\)/);
  await rowOf(next, 'E2E-DUE').getByRole('button', { name: '已接通' }).click();
  await until(async () => (await rowOf(next, 'E2E-DUE').count()) === 0, 'reached: off the list', 5000);
  assert.deepEqual(visit('E2E-DUE'), { status: 'reached', due_on: shanghai(0), attempts: 2 });
  const log = queryDb(collector.db, `SELECT outcome FROM followup_attempts WHERE visit_id = '${id}' ORDER BY seq`).map((r) => r.outcome);
  assert.deepEqual(log, ['no_answer', 'reached']);
  await next.context().close();
});

test('coverage: visits, invited, responded and called per advisor, low marked', async () => {
  // A response for E2E-LATE's repair order.
  let n = 11;
  const random = () => ((n = (n * 16807) % 2147483647) / 2147483647);
  const payload = {
    format: 'survey-response/1', id: randomUUID(), survey: { id: 'post-service', version: DEF.version },
    locale: 'zh-CN', created_at: new Date().toISOString(),
    context: { dealer: 'D001', repair_order: 'E2E-LATE', advisor: 'A07' },
    answers: answersFor(DEF, 'happy', random), client: { widget_version: 'e2e', mode: 'page' },
  };
  const r = await fetch(`${collector.url}/v1/responses`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload),
  });
  assert.equal(r.status, 201, await r.text());
  const page = await consolePage('mgr-1', '#coverage');
  await page.locator('[data-table="coverage"] tbody tr').first().waitFor();
  const rows = await page.locator('[data-table="coverage"] tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    advisor: tr.dataset.advisor, low: tr.dataset.low, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
  })));
  assert.deepEqual(rows, [
    { advisor: 'A07', low: 'true', cells: ['2', '0 (0%)', '1 (50%)', '1 (50%)'] },
    { advisor: 'A08', low: 'true', cells: ['1', '0 (0%)', '0 (0%)', '0 (0%)'] },
    { advisor: '', low: 'true', cells: ['3', '0 (0%)', '1 (33%)', '1 (33%)'] },
  ]);
  assert.match(await page.locator('[data-advisor="A07"] th').innerText(), /偏低/);
  // This month's pickups only (the collector's month, its clock moved a day).
  const month = shanghai(0).slice(0, 7);
  const a07 = ['E2E-DUE', 'E2E-LATE'].filter((ro) => PICKUP[ro].startsWith(month));
  await page.getByLabel('交车时间').selectOption('this_month');
  await until(async () => {
    const visits = await page.locator('[data-advisor="A07"] td').first().textContent().catch(() => null);
    return a07.length ? visits === String(a07.length) : (await page.locator('[data-advisor="A07"]').count()) === 0;
  }, 'this month\'s A07 row', 5000);
  await page.context().close();
});

test('calls: a call not made three weeks after it became overdue has lapsed: not listed, counted', async () => {
  // A year of calls nobody made once hid this week's behind a cut list: now one picked
  // up 40 days ago (32 days overdue) leaves today's list and the page says how many.
  const page = await consolePage('mgr-1', '#calls');
  await page.locator('#calls-h').waitFor();
  await importFile(page, 'old.csv', `RO,dealer,advisor,customer phone,pickup date\nE2E-OLD,D001,A07,,${shanghai(-40)}\n`);
  await until(async () => (await page.locator('[data-imported="1"]').count()) > 0, 'imported', 5000);
  await page.context().close();
  const agent = await consolePage('agent-1', '#calls');
  const note = agent.locator('[data-calls="lapsed"]');
  await note.waitFor();
  assert.match(await note.innerText(), /另有 1 通回访已逾期超过 21 天/);
  assert.equal(await rowOf(agent, 'E2E-OLD').count(), 0, 'not on the list');
  assert.equal(visit('E2E-OLD').status, 'due', 'nothing written: still open, counted as not called');
  await agent.context().close();
});

test('axe: the call list and coverage in zh-CN and en at 1366, 1024 and 320 wide, with screenshots', async (t) => {
  const violations = [];
  for (const viewport of [DESK, { width: 1024, height: 768 }, { width: 320, height: 640 }]) {
    const page = await consolePage('mgr-1', '#calls', { viewport });
    for (const lang of ['zh-CN', 'en']) {
      for (const view of ['calls', 'coverage']) {
        await page.goto(`${collector.url}/console#${view}`);
        if (lang === 'en') await page.locator('#c-lang').selectOption('en');
        await page.locator(`.c-app[lang="${lang}"]`).waitFor();
        await page.locator(view === 'calls' ? '[data-table="calls"] tbody tr' : '[data-table="coverage"] tbody tr').first().waitFor();
        await page.evaluate(AXE);
        const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
        violations.push(...result.violations.map((v) => `${lang} ${view} ${viewport.width}: ${v.id} ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`));
        const name = `console-${view}-${lang}-${viewport.width}x${viewport.height}.png`;
        await page.screenshot({ path: join(SHOTS, name), fullPage: true });
        await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts', name), fullPage: true });
        const widest = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(widest <= viewport.width, `no sideways scrolling at ${viewport.width} (${lang} ${view}): ${widest}`);
        const small = await page.evaluate(() => [...document.querySelectorAll('button, select, input, .c-nav-link, a.c-btn')]
          .filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 44)
          .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().height)}`));
        assert.deepEqual(small, [], `targets under 44 px (${lang} ${view} ${viewport.width})`);
      }
    }
    await page.context().close();
  }
  t.diagnostic(`screenshots: ${SHOTS}/console-{calls,coverage}-*.png`);
  assert.deepEqual(violations, []);
});
