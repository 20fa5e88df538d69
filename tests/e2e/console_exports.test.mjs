// Exports started from the console (issue 15): "Download CSV" / "Download Excel" on the
// response list and under the advisors table, against the real collector with seeded
// responses. Each file is the one Chromium saved (a Playwright download), read back
// with Python's csv and openpyxl: its rows are exactly the responses of the filters and
// period the page shows, as /v1/responses returns them; and a role the collector
// refuses exports sees the collector's own line, with no file saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startCollector, launchBrowser, newPage, addUser, signInOnPage, until } from './support.mjs';
import { seed } from '../seed/seed.mjs';

const DESK = { width: 1366, height: 768 };
const ZONE = 'Asia/Shanghai';
const SHOTS = '/tmp/console-15b-shots';

let collector;
let browser;
before(async () => {
  collector = await startCollector();
  addUser(collector, 'cx-admin', 'group-admin');
  await seed({ url: collector.url, login: 'cx-admin', password: 'an e2e password of some length', responses: 400, months: 4, seed: 15 });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); });

function quarter() {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date()).split('-').map(Number);
  const iso = (yy, mm, dd) => `${yy}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  return [iso(y, Math.floor((m - 1) / 3) * 3 + 1, 1), iso(y, m, d)];
}

async function consolePage(login, hash, locale = 'zh-CN') {
  const page = await newPage(browser, DESK, { locale, timezoneId: ZONE, acceptDownloads: true });
  await signInOnPage(page, collector, login, '/console');
  await page.waitForURL((url) => url.pathname === '/console');
  if (hash) {
    await page.goto(`${collector.url}/console#${hash}`);
    await page.reload();
  }
  await page.locator('.c-nav').waitFor();
  return page;
}

/** Every id /v1/responses returns for `query`, as the signed-in page may read them. */
async function idsOf(page, query) {
  const ids = [];
  let after = null;
  for (;;) {
    const q = new URLSearchParams({ ...query, limit: '1000', ...(after ? { after } : {}) });
    const r = await page.request.get(`${collector.url}/v1/responses?${q}`);
    assert.equal(r.status(), 200, await r.text());
    const body = await r.json();
    ids.push(...body.items.map((i) => i.id));
    if (!body.next) return ids.sort();
    after = body.next;
  }
}

/** Clicks `button` and resolves to the file Chromium saved, kept under its own name:
 * [the name, its bytes, its path]. */
async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 30000 }), button.click()]);
  const path = join(collector.dir, file.suggestedFilename());
  await file.saveAs(path);
  return [file.suggestedFilename(), readFileSync(path), path];
}

/** The CSV's rows by Python's csv module (the header, the ids row, the data). */
function pyCsv(path) {
  const script = `import csv, json, sys
with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:
    print(json.dumps(list(csv.reader(f))))`;
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
}

/** The workbook's sheets by openpyxl: {name: rows}. */
function pyXlsx(path) {
  const script = `import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
print(json.dumps({ws.title: [[c for c in r] for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}, default=str))`;
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

test('exports: the response list downloads CSV and Excel of exactly its filters and period (one advisor)', async (t) => {
  const page = await consolePage('cx-admin', 'responses');
  await page.getByLabel('期间').selectOption('quarter');
  await page.getByLabel('预警', { exact: true }).selectOption('yes');
  // Typed while the period's list is still loading, and sent with Enter, as a manager
  // does. (The list drawing its page wrote the field back to the state, which took the
  // field only on `change`: the advisor was emptied and dropped, one run in two here.)
  await page.getByLabel('服务顾问').fill('D002-C');
  await page.getByLabel('服务顾问').press('Enter');
  const [from, to] = quarter();
  const expected = await idsOf(page, { survey: 'post-service', from, to, verified: 'all', advisor: 'D002-C', alerts: 'yes' });
  assert.ok(expected.length > 0, 'the seed gave D002-C alerted responses this quarter');
  await until(async () => (await page.locator('.c-count').getAttribute('data-total').catch(() => null)) === String(expected.length),
    `the list counts ${expected.length}`, 10000).catch(async (e) => {
    await page.screenshot({ path: `${SHOTS}/debug-list.png` });
    throw new Error(`${e.message}; shown ${await page.locator('.c-count').getAttribute('data-total').catch(() => 'none')}`);
  });

  const box = page.locator('[data-downloads="responses"]');
  const [name, bytes, path] = await download(page, box.getByRole('button', { name: '下载 CSV' }));
  assert.equal(name, `responses_post-service_D002-C_${from}_${to}.csv`);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte order mark');
  const text = bytes.toString('utf8');
  const lines = text.split('\r\n');
  assert.ok(!/[^\r]\n/.test(text), 'every line ends CRLF');
  assert.ok(lines.length >= expected.length + 2, `${lines.length} CRLF lines`);
  const rows = pyCsv(path);
  const [labels, ids, ...data] = rows;
  assert.equal(labels[0], '答卷编号', 'zh-CN labels, as the page');
  assert.equal(ids[0], 'id');
  const col = (k) => ids.indexOf(k);
  assert.deepEqual(data.map((r) => r[col('id')]).sort(), expected, 'the rows are the list\'s, no more, no fewer');
  assert.ok(data.every((r) => r[col('context.advisor')] === 'D002-C'), 'one advisor');
  assert.ok(data.every((r) => r[col('alerts')] !== ''), 'each row names its alerts');

  const [xname, , xpath] = await download(page, box.getByRole('button', { name: '下载 Excel' }));
  assert.match(xname, /\.xlsx$/);
  const sheets = pyXlsx(xpath);
  const [first] = Object.values(sheets);
  const xids = first[1];
  assert.deepEqual(first.slice(2).map((r) => r[xids.indexOf('id')]).sort(), expected, 'the workbook holds the same rows');
  await page.screenshot({ path: `${SHOTS}/responses-downloads-zh.png`, fullPage: false });
  t.diagnostic(`D002-C with alerts this quarter: ${expected.length} rows in the CSV and the workbook`);
  assert.deepEqual(page.consoleErrors ?? [], []);
  await page.context().close();
});

test('exports: under the advisors table, in English, the period\'s verified responses and the advisors sheet', async () => {
  const page = await consolePage('cx-admin', '', 'en');
  await page.locator('.c-overview').waitFor();
  await page.getByLabel('Period').selectOption('quarter');
  await page.getByLabel('Dealer').selectOption('D001');
  const [from, to] = quarter();
  // The table's own read: /v1/breakdown counts verified responses, and so does its export.
  const expected = await idsOf(page, { survey: 'post-service', from, to, dealer: 'D001', verified: 'yes' });
  const box = page.locator('[data-downloads="advisor"]');
  await box.waitFor();
  await until(async () => (await page.locator('[data-table="people"] tbody tr').count()) > 0, 'the table', 10000);
  const [name, bytes, path] = await download(page, box.getByRole('button', { name: 'Download CSV' }));
  assert.equal(name, `responses_post-service_D001_${from}_${to}.csv`);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const [labels, ids, ...data] = pyCsv(path);
  assert.equal(labels[0], 'Response id', 'English labels, as the page');
  assert.deepEqual(data.map((r) => r[ids.indexOf('id')]).sort(), expected);
  assert.ok(data.every((r) => r[ids.indexOf('context.dealer')] === 'D001' && r[ids.indexOf('verified')] === 'true'));

  const [, , xpath] = await download(page, box.getByRole('button', { name: 'Download Excel' }));
  const sheets = Object.values(pyXlsx(xpath));
  assert.equal(sheets.length, 2, 'responses and advisors');
  // The advisors sheet counts what the table shows, advisor by advisor.
  // A row without an advisor (no drill-in button) is the sheet's row with an empty one.
  const table = await page.locator('[data-table="people"] tbody tr').evaluateAll((trs) => trs.map((tr) => [
    tr.querySelector('[data-drill]')?.dataset.drill ?? null, Number(tr.children[2].textContent)]));
  const sheet = sheets[1];
  const head = sheet.findIndex((r) => r[0] === 'D001');
  assert.ok(head > 0, JSON.stringify(sheet.slice(0, 3)));
  const counted = Object.fromEntries(sheet.filter((r) => r[0] === 'D001').map((r) => [r[1] ?? null, Number(r[2])]));
  for (const [who, n] of table) assert.equal(counted[who], n, `${who}: ${n} in the table, ${counted[who]} in the sheet`);
  await page.screenshot({ path: `${SHOTS}/advisors-downloads-en.png`, fullPage: true });
  await page.context().close();
});

test('exports: a follow-up agent is not offered downloads the collector would refuse', async () => {
  addUser(collector, 'agent-1', 'follow-up-agent', ['D001']);
  const page = await consolePage('agent-1', 'responses', 'en');
  // The list has loaded: its count line, or its empty note. An agent may not read the
  // summary, so the count line has no total (data-total), and whether the agent's
  // alert responses reach into this month depends on the clock (the seed dates
  // responses back from now).
  await page.locator('.c-count, [data-count="0"]').first().waitFor();
  assert.equal(await page.locator('[data-downloads]').count(), 0, 'no download buttons for an agent');
  // The collector's rule stands on its own: asked directly, it refuses with its line.
  const r = await page.request.get(`${collector.url}/v1/responses.csv?survey=post-service`);
  assert.equal(r.status(), 403);
  assert.equal((await r.json()).error, 'follow-up agents read the responses that need a call, not exports or summaries');
  await page.screenshot({ path: `${SHOTS}/agent-no-downloads-en.png` });
  await page.context().close();
});
