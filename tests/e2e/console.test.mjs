// The dealer console (issue 15): a service manager signs in, reads one survey's
// overview for a period, and every figure on the page is the collector's own summary
// for the same filters. Data comes from tests/seed (signed links, real POSTs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, newPage, addUser, signInOnPage, until, PASSWORD } from './support.mjs';
import { seed } from '../seed/seed.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DESK = { width: 1366, height: 768 };
const ZONE = 'Asia/Shanghai';

let collector;
let browser;
let posted;
before(async () => {
  collector = await startCollector();
  addUser(collector, 'cx-admin', 'group-admin');
  addUser(collector, 'mgr-d002', 'dealer-manager', ['D002']);
  posted = await seed({ url: collector.url, login: 'cx-admin', password: PASSWORD, responses: 400, months: 4, seed: 7 });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** Today in the dealers' zone, as the console (running in that zone) sees it. */
function today() {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date()).split('-').map(Number);
  return { y, m, d };
}
const iso = (y, m, d) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
function range(period) {
  const { y, m, d } = today();
  if (period === 'this_month') return [iso(y, m, 1), iso(y, m, d)];
  if (period === 'quarter') return [iso(y, Math.floor((m - 1) / 3) * 3 + 1, 1), iso(y, m, d)];
  const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
  return [iso(py, pm, 1), iso(py, pm, new Date(Date.UTC(py, pm, 0)).getUTCDate())];
}

async function consolePage(login, viewport = DESK, locale = 'zh-CN') {
  const page = await newPage(browser, viewport, { locale, timezoneId: ZONE });
  await signInOnPage(page, collector, login, '/console');
  await page.waitForURL((url) => url.pathname === '/console');
  await page.locator('.c-overview').waitFor();
  return page;
}

/** The page's figures, as numbers (or null where a card is absent). */
async function figures(page) {
  return page.evaluate(() => {
    const num = (key, i = 0) => {
      const el = document.querySelectorAll(`[data-figure="${key}"] dd`)[i];
      if (!el) return null;
      const m = el.textContent.match(/-?\d+(\.\d+)?/g);
      return m ? m.map(Number) : null;
    };
    return { n: num('responses')?.[0] ?? null, csi: num('csi')?.[0] ?? null, nps: num('nps')?.[0] ?? null,
      npsInterval: num('nps', 1)?.slice(-2) ?? null, csat: num('csat')?.[0] ?? null, fcr: num('fcr')?.[0] ?? null };
  });
}

/** What the page should show: the summary API for the same filters, rounded as shown. */
async function expected(page, query) {
  const r = await page.request.get(`${collector.url}/v1/summary?${new URLSearchParams(query)}`);
  assert.equal(r.status(), 200, await r.text());
  const raw = await r.json();
  const s = raw.summary;
  return { raw, n: s.n, csi: s.csi.mean, nps: s.nps?.nps ?? null, npsInterval: s.nps ? [s.nps.low, s.nps.high] : null,
    csat: s.csat ? s.csat.share * 100 : null, fcr: s.fcr ? s.fcr.share * 100 : null };
}

/** Page and API agree, each figure to the one decimal the page shows. */
function same(shown, want, where) {
  const close = (a, b) => (a === null || b === null ? a === b : Math.abs(a - b) <= 0.05 + 1e-9);
  for (const k of ['n', 'csi', 'nps', 'csat', 'fcr']) {
    assert.ok(close(shown[k], want[k]), `${where}: ${k} shown ${shown[k]}, summary ${want[k]}`);
  }
  if (want.npsInterval) {
    assert.ok(close(shown.npsInterval[0], want.npsInterval[0]) && close(shown.npsInterval[1], want.npsInterval[1]),
      `${where}: NPS interval shown ${shown.npsInterval}, summary ${want.npsInterval}`);
  }
}

test('console: signed out goes to sign-in and back; every figure is the summary of the same filters', async (t) => {
  const page = await newPage(browser, DESK, { locale: 'zh-CN', timezoneId: ZONE });
  await page.goto(`${collector.url}/console`);
  await page.waitForURL((url) => url.pathname === '/login');
  await page.close();

  const console_ = await consolePage('cx-admin');
  let checked = 0;
  const cases = [];
  for (const survey of ['post-service', 'post-call']) {
    await console_.getByLabel('问卷').selectOption(survey);
    for (const period of ['quarter', 'last_month', 'this_month']) {
      await console_.getByLabel('期间').selectOption(period);
      const [from, to] = range(period);
      for (const dealer of ['', 'D001']) {
        await console_.getByLabel('经销商', { exact: true }).selectOption(dealer);
        const query = { survey, from, to, ...(dealer ? { dealer } : {}) };
        const want = await expected(console_, query);
        // The page asks again after each change; wait until it shows this filter's count.
        await until(async () => (await figures(console_)).n === want.n, `${survey} ${period} ${dealer}: n ${want.n}`, 10000);
        const shown = await figures(console_);
        same(shown, want, `${survey} ${period} ${dealer || 'all'}`);
        cases.push({ query, shown, summary: want.raw });
        checked++;
      }
    }
  }
  t.diagnostic(`${checked} filter combinations matched /v1/summary; ${posted.length} responses seeded`);
  // And the same figures from Python, which picks the rows of each filter from the
  // database itself (Shanghai days) and scores their answers independently.
  const file = join(collector.dir, 'console-figures.json');
  writeFileSync(file, JSON.stringify(cases));
  const py = spawnSync('python3', [join(ROOT, 'tests/crosscheck/console_figures.py'), collector.db, file], { encoding: 'utf8' });
  t.diagnostic(`python cross-check of the page's figures:\n${py.stdout}${py.stderr}`);
  assert.equal(py.status, 0, `the page's figures and Python's disagree:\n${py.stdout}${py.stderr}`);
  assert.deepEqual(console_.consoleErrors, []);
  await console_.context().close();
});

test('console: a slow answer for an older filter never replaces the figures of the newer one', async () => {
  const page = await consolePage('cx-admin');
  await page.getByLabel('问卷').selectOption('post-service');
  await page.getByLabel('期间').selectOption('quarter');
  const [from, to] = range('quarter');
  const want = await expected(page, { survey: 'post-service', from, to });
  const d001 = await expected(page, { survey: 'post-service', from, to, dealer: 'D001' });
  assert.notEqual(want.n, d001.n, 'the two filters must differ for this test to mean anything');
  // D001's summaries answer 1.5 s late: the manager has moved on to all dealers by then.
  let delayed = 0;
  await page.route(/\/v1\/summary\?.*dealer=D001/, async (route) => {
    delayed++;
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.getByLabel('经销商', { exact: true }).selectOption('D001');
  await until(async () => delayed > 0, 'the D001 summary was asked for', 5000);
  await page.getByLabel('经销商', { exact: true }).selectOption('');
  await until(async () => (await figures(page)).n === want.n, `all dealers: n ${want.n}`, 10000);
  await page.waitForTimeout(2500); // the late D001 answer has arrived by now
  same(await figures(page), want, 'after the late answer');
  await page.context().close();
});

test('console: the 12-month trend shows each month\'s summary, in its chart and its table', async (t) => {
  const page = await consolePage('cx-admin');
  await page.getByLabel('经销商', { exact: true }).selectOption('D003');
  const rows = page.locator('[data-table="trend"] tbody tr');
  await until(async () => (await rows.count()) === 12, 'twelve months in the trend table', 10000);
  const { y, m, d } = today();
  let months = 0;
  for (let back = 11; back >= 0; back--) {
    const idx = y * 12 + (m - 1) - back;
    const [my, mm] = [Math.floor(idx / 12), (idx % 12) + 1];
    const last = back === 0 ? d : new Date(Date.UTC(my, mm, 0)).getUTCDate();
    const want = await expected(page, { survey: 'post-service', from: iso(my, mm, 1), to: iso(my, mm, last), dealer: 'D003' });
    // The page may still show the previous dealer's trend for a moment.
    await until(async () => Number(await rows.nth(11 - back).locator('td').nth(1).innerText()) === want.n,
      `${my}-${mm} n ${want.n}`, 10000);
    const cells = await rows.nth(11 - back).locator('th, td').allInnerTexts();
    assert.equal(cells[0], `${my}-${String(mm).padStart(2, '0')}`);
    if (want.csi === null) assert.equal(cells[1], '–');
    else assert.ok(Math.abs(Number(cells[1]) - want.csi) <= 0.05 + 1e-9, `${cells[0]}: ${cells[1]} vs ${want.csi}`);
    months += want.n > 0 ? 1 : 0;
  }
  // The chart draws a dot for every month with data, and says what it shows.
  assert.equal(await page.locator('.c-chart circle').count(), months);
  const desc = await page.locator('.c-chart desc').textContent();
  assert.match(desc, /最低 .*最高 /);
  t.diagnostic(`${months} months with data; chart description: ${desc}`);
  await page.context().close();
});

test('console: the advisors table is /v1/breakdown, sorts by keyboard, and marks small samples', async (t) => {
  const page = await consolePage('cx-admin');
  await page.getByLabel('期间').selectOption('quarter');
  const [from, to] = range('quarter');
  const r = await page.request.get(`${collector.url}/v1/breakdown?${new URLSearchParams({ by: 'advisor', survey: 'post-service', from, to })}`);
  assert.equal(r.status(), 200);
  const api = (await r.json()).rows;
  const table = page.locator('[data-table="people"]');
  const body = table.locator('tbody tr');
  await until(async () => (await body.count()) === api.length &&
    (await body.first().locator('td').nth(1).innerText()) !== '', `${api.length} advisors`, 10000);
  // Shown best first: ranked rows in rank order, then the unranked.
  const shown = await body.evaluateAll((trs) => trs.map((tr) => ({
    rank: tr.cells[0].textContent, name: tr.cells[1].firstChild.textContent, n: Number(tr.cells[2].textContent),
    csi: tr.cells[3].textContent, badge: !!tr.querySelector('.c-badge'),
  })));
  const byRank = [...api].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  // Responses without an advisor (the seed's lounge kiosks) are a row of their own, unranked.
  assert.ok(api.some((a) => a.advisor === null && a.rank === null), 'a row without an advisor, not ranked');
  assert.deepEqual(shown.map((s) => s.name), byRank.map((a) => a.advisor ?? '（未填写）'));
  for (const [i, a] of byRank.entries()) {
    assert.equal(shown[i].n, a.responses, a.advisor);
    assert.equal(shown[i].rank, a.rank === null ? '–' : String(a.rank), a.advisor);
    assert.equal(shown[i].badge, !a.comparable, `${a.advisor}: not-comparable badge`);
    if (a.csi.mean !== null) assert.ok(Math.abs(Number(shown[i].csi) - a.csi.mean) <= 0.05 + 1e-9, a.advisor);
  }
  // The same rows from Python, grouping the database's answers by advisor itself.
  const rows = shown.map((r) => ({ advisor: r.name === '（未填写）' ? null : r.name, n: r.n, csi: r.csi === '–' ? null : Number(r.csi) }));
  const file = join(collector.dir, 'console-advisors.json');
  writeFileSync(file, JSON.stringify([{ query: { survey: 'post-service', from, to }, by: 'advisor', shown: rows }]));
  const py = spawnSync('python3', [join(ROOT, 'tests/crosscheck/console_figures.py'), collector.db, file], { encoding: 'utf8' });
  t.diagnostic(`python cross-check of the advisors table: ${py.stdout}${py.stderr}`);
  assert.equal(py.status, 0, `the advisors table and Python disagree:\n${py.stdout}${py.stderr}`);
  const unranked = api.filter((a) => !a.comparable).length;
  // Keyboard: focus the CSI column's sort button and press Enter: highest CSI first.
  const csiHeader = table.locator('thead th').nth(3);
  await csiHeader.locator('button').focus();
  await page.keyboard.press('Enter');
  await until(async () => (await csiHeader.getAttribute('aria-sort')) === 'descending', 'aria-sort on the CSI column', 5000);
  const csis = (await body.evaluateAll((trs) => trs.map((tr) => tr.cells[3].textContent))).filter((c) => c !== '–').map(Number);
  assert.deepEqual(csis, [...csis].sort((a, b) => b - a), 'sorted by CSI, highest first');
  await page.keyboard.press('Enter');
  await until(async () => (await csiHeader.getAttribute('aria-sort')) === 'ascending', 'ascending on a second press', 5000);
  t.diagnostic(`${api.length} advisors, ${unranked} below the minimum n and unranked`);
  await page.context().close();
});

test("console: a dealer manager sees their one dealer and its figures, nobody else's", async () => {
  const page = await consolePage('mgr-d002');
  const options = await page.getByLabel('经销商', { exact: true }).locator('option').allTextContents();
  assert.deepEqual(options, ['D002'], 'no "all dealers" and no other dealer to pick');
  const [from, to] = range('this_month');
  const want = await expected(page, { survey: 'post-service', from, to, dealer: 'D002' });
  await until(async () => (await figures(page)).n === want.n, 'D002 figures', 10000);
  same(await figures(page), want, 'D002');
  // The API itself refuses the other dealer's numbers to this account.
  const other = await page.request.get(`${collector.url}/v1/summary?survey=post-service&dealer=D001`);
  assert.equal(other.status(), 403);
  await page.context().close();
});

test('console: a reversed custom period is refused on the page, by keyboard alone', async () => {
  const page = await consolePage('cx-admin');
  // Keyboard only: to the period selector, choose "custom", type two dates.
  const period = page.getByLabel('期间');
  // The language, sign-out, the nav's links (eleven for an admin), survey, dealer.
  for (let i = 0; i < 24 && !(await period.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
  assert.ok(await period.evaluate((el) => el === document.activeElement), 'Tab reaches the period selector');
  await page.keyboard.press('End'); // the last option: custom
  await page.locator('input[type=date]').first().waitFor();
  const [from, to] = await page.locator('input[type=date]').all();
  await from.fill('2026-12-02');
  await to.fill('2026-12-01');
  await to.dispatchEvent('change');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.equal(await alert.innerText(), '开始日期晚于结束日期。');
  assert.equal(await from.getAttribute('aria-invalid'), 'true');
  await page.context().close();
});

test('axe: the console overview in zh-CN and en at 1366 and 1024 wide, with screenshots', async (t) => {
  const violations = [];
  for (const viewport of [DESK, { width: 1024, height: 768 }]) {
    const page = await newPage(browser, viewport, { locale: 'zh-CN', timezoneId: ZONE, bypassCSP: true });
    await signInOnPage(page, collector, 'cx-admin', '/console');
    await page.locator('.c-overview').waitFor();
    await page.getByLabel('期间').selectOption('quarter');
    await page.waitForTimeout(300);
    for (const lang of ['zh-CN', 'en']) {
      if (lang === 'en') await page.getByLabel('语言').selectOption('en');
      await page.locator(`.c-app[lang="${lang}"] .c-overview`).waitFor();
      await page.evaluate(AXE);
      const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
      violations.push(...result.violations.map((v) => `${lang} ${viewport.width}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      const shot = join(ROOT, `tests/e2e/artifacts/console-overview-${lang}-${viewport.width}x${viewport.height}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      const widest = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(widest <= viewport.width, `no sideways scrolling at ${viewport.width}: ${widest}`);
    }
    await page.context().close();
  }
  t.diagnostic('screenshots: tests/e2e/artifacts/console-overview-*.png');
  assert.deepEqual(violations, []);
});
