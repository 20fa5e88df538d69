// A manager with more escalated cases than one page (the list asks 200 at a time)
// reaches every one: the caption says "200+", "show more" appends the next page, and
// then the count is exact and the button gone. Seen on the demo's year of data: 656
// escalated cases, of which the list showed 200 and called them all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, newPage, addUser, signInOnPage, until, queryDb } from './support.mjs';
import { answersFor } from '../seed/seed.mjs';

const DEF = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));
const CASES = 205;

let collector;
let browser;
before(async () => {
  process.env.COLLECTOR_TEST_HOOKS = '1';
  collector = await startCollector({ args: ['--case-sweep-ms', '100'] });
  delete process.env.COLLECTOR_TEST_HOOKS;
  addUser(collector, 'mgr-p', 'dealer-manager', ['D001']);
  browser = await launchBrowser();
  let n = 11;
  const random = () => ((n = (n * 16807) % 2147483647) / 2147483647);
  const post = async (i) => {
    const answers = answersFor(DEF, 'unhappy', random);
    answers.nps = { scale: 2 };
    const payload = {
      format: 'survey-response/1', id: randomUUID(), survey: { id: 'post-service', version: DEF.version },
      locale: 'zh-CN', created_at: new Date().toISOString(),
      context: { dealer: 'D001', repair_order: `RO-P-${String(i).padStart(3, '0')}`, advisor: 'D001-A' },
      answers, client: { widget_version: 'e2e', mode: 'page' },
    };
    const r = await fetch(`${collector.url}/v1/responses`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload),
    });
    assert.equal(r.status, 201, await r.text());
  };
  for (let i = 0; i < CASES; i += 25) await Promise.all(Array.from({ length: Math.min(25, CASES - i) }, (_, k) => post(i + k)));
  // Past their due time (48 h) on the collector's clock: the sweep escalates them all.
  const r = await fetch(`${collector.url}/v1/test/clock?advance_ms=${49 * 3600e3}`, { method: 'POST' });
  assert.equal(r.status, 200);
  const escalated = () => Number(queryDb(collector.db,
    "SELECT COUNT(DISTINCT case_id) AS n FROM case_events WHERE action = 'escalate'")[0].n);
  await until(() => escalated() === CASES, `${CASES} cases escalated`, 30000);
});
after(async () => { await browser?.close(); await collector?.stop(); });

test('cases: a manager opens on the escalated list and pages through all of it', async () => {
  const page = await newPage(browser, { width: 1366, height: 768 }, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await signInOnPage(page, collector, 'mgr-p', '/console');
  await page.goto(`${collector.url}/console#cases`);
  const rows = page.locator('[data-table="cases"] tbody tr');
  await rows.first().waitFor();
  assert.equal(await page.locator('.c-tab[aria-pressed="true"]').innerText(), '已升级（经理）');
  assert.equal(await rows.count(), 200);
  assert.match(await page.locator('[data-table="cases"] caption').innerText(), /\(200\+\)$/);
  await page.getByRole('button', { name: '显示更多工单' }).click();
  await until(async () => (await rows.count()) === CASES, `all ${CASES} rows`, 10000);
  assert.match(await page.locator('[data-table="cases"] caption').innerText(), new RegExp(`\\(${CASES}\\)$`));
  assert.equal(await page.locator('[data-action="more"]').count(), 0, 'nothing more to show');
  const ros = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('a')?.textContent));
  assert.equal(new Set(ros).size, CASES, 'each case once');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});
