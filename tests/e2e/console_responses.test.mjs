// The console's response list, a response read in full, the drill-in from the advisors
// table and the monthly VOC report (issue 15), against the real collector with seeded
// responses (tests/seed: signed links, real POSTs). Every count on the page is checked
// against the collector's own API for the same filters; the report is printed to PDF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, newPage, addUser, signInOnPage, until } from './support.mjs';
import { seed } from '../seed/seed.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DESK = { width: 1366, height: 768 };
const ZONE = 'Asia/Shanghai';
const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts');
const TEMPLATE = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));
const QUESTION = Object.fromEntries(TEMPLATE.pages.flatMap((p) => p.questions).map((q) => [q.id, q]));

let collector;
let browser;
before(async () => {
  collector = await startCollector();
  addUser(collector, 'cx-admin', 'group-admin');
  await seed({ url: collector.url, login: 'cx-admin', password: 'an e2e password of some length', responses: 500, months: 4, seed: 11 });
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => { await browser?.close(); await collector?.stop(); });

function today() {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date()).split('-').map(Number);
  return { y, m, d };
}
const iso = (y, m, d) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
function quarter() {
  const { y, m, d } = today();
  return [iso(y, Math.floor((m - 1) / 3) * 3 + 1, 1), iso(y, m, d)];
}
/** `back` months before this one: [label, first day, last day]. */
function month(back) {
  const { y, m } = today();
  const idx = y * 12 + (m - 1) - back;
  const [my, mm] = [Math.floor(idx / 12), (idx % 12) + 1];
  return [`${my}-${String(mm).padStart(2, '0')}`, iso(my, mm, 1), iso(my, mm, new Date(Date.UTC(my, mm, 0)).getUTCDate())];
}

async function consolePage(login, hash, { locale = 'zh-CN', viewport = DESK, bypassCSP = false } = {}) {
  const page = await newPage(browser, viewport, { locale, timezoneId: ZONE, bypassCSP });
  await signInOnPage(page, collector, login, '/console');
  await page.waitForURL((url) => url.pathname === '/console');
  if (hash) {
    await page.goto(`${collector.url}/console#${hash}`);
    await page.reload();
  }
  await page.locator('.c-nav').waitFor();
  return page;
}

/** Every item of /v1/responses for `query`, page by page, as the signed-in page sees it:
 * newest first, as the console lists them. */
async function listAll(page, query) {
  const items = [];
  let after = null;
  for (;;) {
    const q = new URLSearchParams({ ...query, order: 'newest', limit: '1000', ...(after ? { after } : {}) });
    const r = await page.request.get(`${collector.url}/v1/responses?${q}`);
    assert.equal(r.status(), 200, await r.text());
    const body = await r.json();
    items.push(...body.items);
    if (!body.next) return items;
    after = body.next;
  }
}

const rowIds = (page) => page.locator('[data-table="responses"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));

/** Waits until the list shows `total` responses and its first page is `ids`. */
async function listShows(page, total, ids, what) {
  await until(async () => {
    const shown = await page.locator('.c-count').getAttribute('data-total').catch(() => null);
    if (total === 0) return (await page.locator('[data-count="0"]').count()) === 1;
    return shown === String(total) && JSON.stringify(await rowIds(page)) === JSON.stringify(ids);
  }, `${what}: ${total} responses, first page ${ids.length} rows`, 10000);
}

test('responses: the list is /v1/responses of the same filters, its total the same count; filters and pages change the rows', async (t) => {
  const page = await consolePage('cx-admin', 'responses');
  await page.getByLabel('期间').selectOption('quarter');
  const [from, to] = quarter();
  const base = { survey: 'post-service', from, to, verified: 'all' };
  let all = await listAll(page, base);
  await listShows(page, all.length, all.slice(0, 25).map((i) => i.id), 'quarter');
  // The next page starts where the API's cursor says.
  await page.getByRole('button', { name: '下一页' }).click();
  await until(async () => JSON.stringify(await rowIds(page)) === JSON.stringify(all.slice(25, 50).map((i) => i.id)), 'page 2', 10000);
  assert.equal(await page.locator('.c-count').getAttribute('data-first'), '26');

  // With alerts only: fewer rows, each with an alert, the same as the API's.
  await page.getByLabel('预警', { exact: true }).selectOption('yes');
  await page.getByRole('button', { name: '显示' }).click();
  const alerted = await listAll(page, { ...base, alerts: 'yes' });
  assert.ok(alerted.length > 0 && alerted.length < all.length, `${alerted.length} of ${all.length} with alerts`);
  assert.ok(alerted.every((i) => i.score.alerts.length > 0));
  await listShows(page, alerted.length, alerted.slice(0, 25).map((i) => i.id), 'alerts=yes');
  const alertCells = await page.locator('[data-table="responses"] tbody tr td:nth-child(6)').allInnerTexts();
  assert.ok(alertCells.every((c) => c !== '–'), `every row names its alerts: ${alertCells}`);

  // Words in a comment, and a CSI range.
  await page.getByLabel('在评论中搜索').fill('收费');
  await page.getByLabel('CSI 不高于').fill('60');
  await page.getByRole('button', { name: '显示' }).click();
  const found = await listAll(page, { ...base, alerts: 'yes', q: '收费', csi_max: '60' });
  assert.ok(found.every((i) => Object.values(i.payload.answers).some((a) => a.text?.includes('收费')) && i.score.csi <= 60));
  await listShows(page, found.length, found.slice(0, 25).map((i) => i.id), 'q=收费 csi_max=60');
  for (const c of await page.locator('.c-comment').allInnerTexts()) assert.match(c, /收费/);

  // A reversed range is refused on the page, before asking.
  await page.getByLabel('CSI 不低于').fill('80');
  await page.getByRole('button', { name: '显示' }).click();
  await until(async () => (await page.locator('#c-l-error').innerText()) === 'CSI 下限高于上限。', 'the range refusal', 5000);
  t.diagnostic(`quarter: ${all.length} responses; ${alerted.length} with alerts; ${found.length} with 收费 and CSI ≤ 60`);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('responses: a response reads in the questionnaire\'s own words, with its score card and alerts, in zh-CN and en', async () => {
  const page = await consolePage('cx-admin', 'responses');
  await page.getByLabel('期间').selectOption('quarter');
  const [from, to] = quarter();
  const items = await listAll(page, { survey: 'post-service', from, to, verified: 'all', alerts: 'yes' });
  const target = items.find((i) => i.payload.answers.nps && i.payload.answers.what_went_wrong && i.payload.answers.comment);
  assert.ok(target, 'a response with NPS, reasons and a comment');
  await page.getByLabel('预警', { exact: true }).selectOption('yes');
  await page.getByLabel('在评论中搜索').fill(target.payload.answers.comment.text);
  await page.getByRole('button', { name: '显示' }).click();
  const button = page.locator(`#c-open-${target.id}`);
  await button.waitFor();
  await button.focus();
  await page.keyboard.press('Enter');
  const detail = page.locator(`[data-response="${target.id}"]`);
  await detail.waitFor();
  await until(() => page.evaluate(() => document.activeElement?.id === 'c-detail-title'), 'focus on the response heading', 5000);
  const label = (id) => detail.locator(`[data-question="${id}"] th`).innerText();
  assert.equal(await label('nps'), QUESTION.nps.text['zh-CN']);
  assert.equal(await label('what_went_wrong'), QUESTION.what_went_wrong.text['zh-CN']);
  const reasons = await detail.locator('[data-question="what_went_wrong"] li').allInnerTexts();
  const options = Object.fromEntries(QUESTION.what_went_wrong.input.options.map((o) => [o.value, o.label['zh-CN']]));
  assert.deepEqual(reasons, target.payload.answers.what_went_wrong.choices.map((c) => options[c]));
  assert.equal(await detail.locator('[data-question="nps"] td').innerText(), `${target.payload.answers.nps.scale} / 10`);
  assert.equal(await detail.locator('[data-question="comment"] td').innerText(), target.payload.answers.comment.text);
  assert.equal(Number(await detail.locator('[data-figure="csi"]').innerText()), Math.round(target.score.csi * 10) / 10);
  assert.equal(await detail.locator('[data-block="alerts"] li').count(), target.score.alerts.length);
  // The admin sees the phone when the customer left one.
  const phone = target.payload.answers.contact_me?.contact?.phone;
  assert.equal(await detail.locator('[data-block="contact"]').count(), phone ? 1 : 0);
  if (phone) assert.match(await detail.locator('[data-block="contact"]').innerText(), new RegExp(phone));

  await page.getByLabel('语言').selectOption('en');
  await until(async () => (await label('nps')) === QUESTION.nps.text.en, 'the English wording', 5000);
  assert.equal(await label('comment'), QUESTION.comment.text.en);
  // Back: the focus returns to the response's button in the list.
  await page.getByRole('button', { name: '← Back to the list' }).click();
  await until(() => page.evaluate((id) => document.activeElement?.id === `c-open-${id}`, target.id), 'focus back on the row', 5000);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('responses: a service advisor sees only their own responses and no contact data anywhere', async (t) => {
  const admin = await consolePage('cx-admin', 'responses');
  const [from, to] = quarter();
  // The advisor whose customers left the most phone numbers this quarter.
  const everyone = await listAll(admin, { survey: 'post-service', from, to, verified: 'all' });
  const phones = {};
  for (const i of everyone) if (i.payload.answers.contact_me?.contact?.phone) phones[i.payload.context.advisor] = (phones[i.payload.context.advisor] ?? 0) + 1;
  const advisor = Object.entries(phones).sort((a, b) => b[1] - a[1])[0]?.[0];
  assert.ok(advisor, 'the seed gave some advisor a customer who left a phone number');
  const dealer = advisor.split('-')[0];
  const theirs = everyone.filter((i) => i.payload.context.advisor === advisor);
  const withPhone = theirs.filter((i) => i.payload.answers.contact_me?.contact?.phone);
  await admin.context().close();

  addUser(collector, `adv-${advisor}`, 'service-advisor', [dealer], advisor);
  const page = await consolePage(`adv-${advisor}`, 'responses');
  await page.getByLabel('期间').selectOption('quarter');
  await listShows(page, theirs.length, theirs.slice(0, 25).map((i) => i.id), 'the advisor\'s own');
  assert.equal(await page.locator('#c-l-advisor').count(), 0, 'no advisor field for an advisor');
  const r = await page.request.get(`${collector.url}/v1/responses?${new URLSearchParams({ survey: 'post-service', from, to })}`);
  const own = (await r.json()).items;
  assert.ok(own.every((i) => i.payload.context.advisor === advisor));
  const sent = JSON.stringify(own);
  assert.ok(own.every((i) => !i.payload.answers.contact_me?.contact?.phone && !i.payload.answers.contact_me?.contact?.email),
    'the API sends the advisor no phone or e-mail');
  for (const i of withPhone) assert.ok(!sent.includes(i.payload.answers.contact_me.contact.phone), 'no phone number anywhere in the reply');
  // Open their responses whose customer left a phone: consent shown, no contact block.
  let opened = 0;
  await page.getByLabel('预警', { exact: true }).selectOption('yes');
  await page.getByRole('button', { name: '显示' }).click();
  await page.locator('[data-table="responses"] tbody tr').first().waitFor();
  for (const item of withPhone.slice(0, 3)) {
    const button = page.locator(`#c-open-${item.id}`);
    if (!(await button.count())) continue;
    await button.click();
    const detail = page.locator(`[data-response="${item.id}"]`);
    await detail.waitFor();
    assert.equal(await detail.locator('[data-block="contact"]').count(), 0, 'no contact block');
    assert.equal(await detail.locator('[data-question="contact_me"] td').innerText(), '希望被联系');
    const text = await page.locator('body').innerText();
    assert.ok(!text.includes(item.payload.answers.contact_me.contact.phone), 'the phone number is nowhere on the page');
    await page.getByRole('button', { name: '← 返回列表' }).click();
    opened++;
  }
  assert.ok(opened > 0, 'at least one response with a phone was on the first page');
  t.diagnostic(`advisor ${advisor}: ${theirs.length} responses this quarter, ${withPhone.length} with a phone; ${opened} opened`);
  await page.context().close();
});

test('responses: the advisors table drills into one advisor\'s responses', async () => {
  const page = await consolePage('cx-admin');
  await page.locator('.c-overview').waitFor();
  await page.getByLabel('期间').selectOption('quarter');
  const drill = page.locator('[data-table="people"] [data-drill="D002-C"]');
  await drill.waitFor();
  assert.equal(await drill.getAttribute('aria-label'), '查看回答（D002-C）');
  await drill.click();
  await page.locator('.c-responses').waitFor();
  assert.equal(await page.locator('#c-l-advisor').inputValue(), 'D002-C');
  assert.match(page.url(), /#responses$/);
  const [from, to] = quarter();
  const theirs = await listAll(page, { survey: 'post-service', from, to, verified: 'all', advisor: 'D002-C' });
  await listShows(page, theirs.length, theirs.slice(0, 25).map((i) => i.id), 'D002-C');
  const advisors = await page.locator('[data-table="responses"] tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(advisors.every((a) => a === 'D002-C'), advisors.join());
  await page.context().close();
});

test('responses: the stations table lists the paired lounge kiosks as /v1/breakdown does, and drills into one', async () => {
  const page = await consolePage('cx-admin');
  await page.locator('.c-overview').waitFor();
  await page.getByLabel('期间').selectOption('quarter');
  const [from, to] = quarter();
  const r = await page.request.get(`${collector.url}/v1/breakdown?by=station&survey=post-service&from=${from}&to=${to}`);
  assert.equal(r.status(), 200, await r.text());
  const api = (await r.json()).rows.filter((x) => x.station);
  assert.ok(api.length >= 1, 'the seed pairs a kiosk per dealer');
  const table = page.locator('[data-table="stations"]');
  await table.waitFor();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
    [tr.querySelector('th').firstChild.textContent.trim(), Number(tr.children[2].textContent)]));
  assert.deepEqual(rows.sort(), api.map((x) => [x.station, x.responses]).sort());
  assert.ok(!rows.some(([name]) => name === '（无）' || name === ''), 'responses without a station are not a row');
  await table.locator('[data-drill="LOUNGE-1"]').click();
  await page.locator('.c-responses').waitFor();
  assert.equal(await page.locator('#c-l-station').inputValue(), 'LOUNGE-1');
  const theirs = await listAll(page, { survey: 'post-service', from, to, verified: 'all', station: 'LOUNGE-1' });
  await listShows(page, theirs.length, theirs.slice(0, 25).map((i) => i.id), 'LOUNGE-1');
  assert.ok(theirs.every((i) => i.payload.context.station === 'LOUNGE-1'));
  await page.context().close();
});

/** The report's tallies, counted here from the API, independently of the console's code. */
async function expectedReport(page, dealer, months) {
  // Low: a scale item at 1-2 of 5 (rescaled ≤ 25); a yes/no "no" only when it judges the service.
  const low = (it) => it.kind !== 'nps' && it.rescaled !== null && it.rescaled <= 25 &&
    (it.kind !== 'yes_no' || it.dimension !== null || it.role !== null);
  const perMonth = [];
  for (const [, from, to] of months) {
    const items = await listAll(page, { survey: 'post-service', dealer, from, to, verified: 'yes' });
    const reasons = {};
    const lows = {};
    for (const i of items) {
      for (const c of i.payload.answers.what_went_wrong?.choices ?? []) reasons[c] = (reasons[c] ?? 0) + 1;
      for (const q of new Set(i.score.items.filter(low).map((x) => x.question))) lows[q] = (lows[q] ?? 0) + 1;
    }
    perMonth.push({ n: items.length, reasons, lows });
  }
  return perMonth;
}

test('report: the VOC report tallies reasons and low items month over month as the API\'s responses say, and prints on A4 with its head on every page', async (t) => {
  const page = await consolePage('cx-admin', 'report');
  await page.getByLabel('经销商', { exact: true }).selectOption('D001');
  const months = [month(3), month(2), month(1)];
  await page.getByLabel('报告月份').selectOption(months[2][0]);
  const table = page.locator('[data-table="voc-reasons"]');
  const want = await expectedReport(page, 'D001', months);
  const options = Object.fromEntries(QUESTION.what_went_wrong.input.options.map((o) => [o.label['zh-CN'], o.value]));
  const shown = () => table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const agrees = (rows) => rows.length > 0 && rows.every(([label, ...cells]) =>
    JSON.stringify(cells.slice(0, 3).map(Number)) === JSON.stringify(want.map((m) => m.reasons[options[label]] ?? 0)));
  // The page may still show the report of every dealer for a moment.
  await until(async () => agrees(await shown().catch(() => [])), 'the D001 tallies', 20000).catch(() => {});
  const rows = await shown();
  assert.ok(rows.length > 0);
  for (const [label, ...cells] of rows) {
    const value = options[label];
    assert.ok(value, `a reason label from the questionnaire: ${label}`);
    assert.deepEqual(cells.slice(0, 3).map(Number), want.map((m) => m.reasons[value] ?? 0), label);
  }
  const wantLow = Object.keys(Object.assign({}, ...want.map((m) => m.lows))).length;
  assert.equal(await page.locator('[data-table="voc-low"] tbody tr').count(), wantLow);
  const running = await page.locator('[data-running]').innerText();
  assert.ok(running.includes('D001') && running.includes(months[2][0]), running);
  // Charts are SVG with a title and a description.
  for (const id of ['reasons', 'low', 'alerts']) {
    const svg = page.locator(`svg[data-chart="${id}"]`);
    assert.ok((await svg.locator('title').textContent()).length > 0);
    assert.ok((await svg.locator('desc').textContent()).length > 0);
  }

  // Printed: A4 pages, each with the running head (the dealer and the month).
  await page.emulateMedia({ media: 'print' });
  const pdf = join(ARTIFACTS, 'voc-report-zh-CN.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const pages = Number(info.match(/Pages:\s+(\d+)/)[1]);
  assert.match(info, /Page size:.*\(A4\)/);
  for (let p = 1; p <= pages; p++) {
    const text = execFileSync('pdftotext', ['-f', String(p), '-l', String(p), '-layout', pdf, '-'], { encoding: 'utf8' });
    assert.ok(text.includes('D001') && text.includes(months[2][0]), `page ${p} has the dealer and the month`);
    assert.ok(!text.includes('打印 / 存为 PDF'), `page ${p} shows no controls`);
  }
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, join(ARTIFACTS, 'voc-report-zh-CN')]);
  t.diagnostic(`${months[2][0]} D001: ${want.map((m) => m.n).join('/')} responses; ${rows.length} reasons; ${wantLow} low items; ${pages} A4 pages (${pdf})`);
  await page.context().close();
});

test('axe and keyboard: the list, a response and the report in zh-CN and en, with screenshots', async (t) => {
  const violations = [];
  const page = await consolePage('cx-admin', 'responses', { bypassCSP: true });
  // Keyboard only: Tab reaches the pages' tabs, the filters and the first row's button.
  const reached = new Set();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    reached.add(await page.evaluate(() => document.activeElement?.id || document.activeElement?.className || ''));
  }
  for (const want of ['c-nav-link', 'c-l-alerts', 'c-l-min', 'c-l-q']) {
    assert.ok([...reached].some((r) => r.includes(want)), `Tab reaches ${want}: ${[...reached].join(' ')}`);
  }
  const check = async (what) => {
    await page.evaluate(AXE);
    const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    violations.push(...result.violations.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
    await page.screenshot({ path: join(ARTIFACTS, `console-${what}.png`), fullPage: true });
  };
  for (const lang of ['zh-CN', 'en']) {
    if (lang === 'en') await page.getByLabel('语言').selectOption('en');
    await page.getByLabel(lang === 'en' ? 'Period' : '期间').selectOption('quarter');
    await page.locator(`.c-app[lang="${lang}"] [data-table="responses"] tbody tr`).first().waitFor();
    await check(`responses-${lang}`);
    await page.locator('.c-open').first().click();
    await page.locator('.c-detail').waitFor();
    await check(`response-${lang}`);
    await page.locator('.c-detail > button').click();
    await page.locator(`.c-nav-link >> nth=2`).click();
    await page.locator('[data-voc="reasons"]').waitFor({ timeout: 20000 });
    await check(`report-${lang}`);
    await page.locator('.c-nav-link >> nth=1').click();
  }
  const widest = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(widest <= DESK.width, `no sideways scrolling: ${widest}`);
  await page.context().close();

  // 1024 wide (a tablet on its side): the same pages, no sideways scrolling.
  const narrow = await consolePage('cx-admin', 'responses', { viewport: { width: 1024, height: 768 }, bypassCSP: true });
  await narrow.getByLabel('期间').selectOption('quarter');
  await narrow.locator('[data-table="responses"] tbody tr').first().waitFor();
  for (const [what, tab, ready] of [['responses', 1, '[data-table="responses"]'], ['report', 2, '[data-voc="reasons"]']]) {
    await narrow.locator(`.c-nav-link >> nth=${tab}`).click();
    await narrow.locator(ready).waitFor({ timeout: 20000 });
    await narrow.evaluate(AXE);
    const result = await narrow.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    violations.push(...result.violations.map((v) => `${what} 1024: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
    await narrow.screenshot({ path: join(ARTIFACTS, `console-${what}-zh-CN-1024.png`) });
    const w = await narrow.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= 1024, `${what}: no sideways scrolling at 1024: ${w}`);
  }
  await narrow.context().close();
  t.diagnostic('screenshots: tests/e2e/artifacts/console-{responses,response,report}-{zh-CN,en}.png, console-{responses,report}-zh-CN-1024.png');
  assert.deepEqual(violations, []);
});
