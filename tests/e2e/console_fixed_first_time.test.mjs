// The overview's fixed-first-time rate against its target (issue 15; domain notes:
// "fix it right the first time" ≥ 95%), against the real collector with seeded
// responses. The figure on the page is checked against the database's own rows, read
// from each stored answer (not from the collector's totals columns); the dealer's
// target comes from `collector settings`; a rate of fewer than 30 answers is marked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ROOT, startCollector, launchBrowser, newPage, addUser, signInOnPage, until, queryDb } from './support.mjs';
import { seed } from '../seed/seed.mjs';

const DESK = { width: 1366, height: 768 };
const ZONE = 'Asia/Shanghai';
const SHOTS = '/tmp/console-15b-shots';

let collector;
let browser;
before(async () => {
  collector = await startCollector();
  addUser(collector, 'cx-admin', 'group-admin');
  await seed({ url: collector.url, login: 'cx-admin', password: 'an e2e password of some length', responses: 400, months: 4, seed: 21 });
  // D002's own goal; D001 keeps the default.
  // D002 also keeps its own CSI goal, which the CSI card and the trend's line are read against.
  execFileSync(`${ROOT}/target/server/collector`, ['settings', '--dealer', 'D002', '--fixed-first-time-target', '97.5', '--csi-target', '88.5', '--db', collector.db]);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** A local date's midnight in Shanghai as the stored UTC text (`2026-10-01T16:00:00`). */
const utcOf = (date) => new Date(`${date}T00:00:00+08:00`).toISOString().slice(0, 19);
function nextDay(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Fixed first time over [from, to] (local days) for `dealer`, from each stored answer. */
function fromDatabase(dealer, from, to) {
  const [row] = queryDb(collector.db, `SELECT
      SUM(CASE WHEN json_extract(answers, '$.p_fixed_first_time.yes_no') IS NOT NULL THEN 1 ELSE 0 END) AS n,
      SUM(CASE WHEN json_extract(answers, '$.p_fixed_first_time.yes_no') = 1 THEN 1 ELSE 0 END) AS yes
    FROM responses WHERE survey_id = 'post-service' AND verified = 1 AND dealer = '${dealer}'
      AND rtrim(created_at, 'Z') >= '${utcOf(from)}' AND rtrim(created_at, 'Z') < '${utcOf(nextDay(to))}'`);
  return { n: row.n ?? 0, yes: row.yes ?? 0 };
}

/** Wilson's 95% interval from its formula. */
function wilson(k, n) {
  const z = 1.959963984540054;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [centre - half, centre + half];
}

async function overview(locale) {
  const page = await newPage(browser, DESK, { locale, timezoneId: ZONE });
  await signInOnPage(page, collector, 'cx-admin', '/console');
  await page.locator('.c-overview').waitFor();
  return page;
}

/** Chooses a custom period and a dealer, and waits for the card of that filter. */
async function show(page, dealer, from, to, labels) {
  await page.getByLabel(labels.dealer).selectOption(dealer);
  await page.getByLabel(labels.period).selectOption('custom');
  const [a, b] = await page.locator('input[type=date]').all();
  await a.fill(from);
  await b.fill(to);
  await b.dispatchEvent('change');
}

for (const [locale, labels, title] of [
  ['zh-CN', { dealer: '经销商', period: '期间' }, '一次修复率'],
  ['en', { dealer: 'Dealer', period: 'Period' }, 'Fixed right the first time'],
]) {
  test(`fixed first time (${locale}): the overview's rate and interval equal the database's answers, against the dealer's target`, async (t) => {
    const page = await overview(locale);
    for (const [dealer, from, to, target] of [
      ['D001', '2026-01-01', '2026-12-31', 0.95],
      ['D002', '2026-01-01', '2026-12-31', 0.975],
    ]) {
      const want = fromDatabase(dealer, from, to);
      assert.ok(want.n >= 30, `${dealer}: the seed answered the question ${want.n} times`);
      await show(page, dealer, from, to, labels);
      const card = page.locator('[data-figure="fixed-first-time"]');
      await until(async () => Number(await card.getAttribute('data-share').catch(() => NaN)) === want.yes / want.n
        && (await card.innerText()).includes(`n ${want.n}`), `${dealer}: ${want.yes} of ${want.n}`, 10000);
      assert.equal(Number(await card.getAttribute('data-target')), target);
      const text = await card.innerText();
      assert.ok(text.startsWith(title), text);
      const pct = (x) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
      assert.ok(text.includes(pct(want.yes / want.n)), `${text} shows ${pct(want.yes / want.n)}`);
      assert.ok(text.includes(pct(target)), `${text} names the target ${pct(target)}`);
      const [low, high] = wilson(want.yes, want.n);
      assert.ok(text.includes(`${pct(low)} – ${pct(high)}`), `${text} shows the interval ${pct(low)} – ${pct(high)}`);
      assert.equal(await card.locator('[data-few]').count(), 0);
      assert.match(await card.getAttribute('class'), want.yes / want.n >= target ? /c-met/ : /c-missed/);
      if (want.yes / want.n < target) {
        // The shortfall in percentage points.
        const points = (Math.round((target - want.yes / want.n) * 1000) / 10).toFixed(1);
        assert.ok(text.includes(locale === 'en' ? `by ${points} points` : `${points} 个百分点`), `${text}: short by ${points} points`);
      }
      // The CSI card and the trend's target line: the dealer's own goal, else 93.
      const goal = dealer === 'D002' ? '88.5' : '93.0';
      const csi = page.locator('[data-figure="csi"]');
      assert.equal(Number(await csi.getAttribute('data-target')), Number(goal));
      assert.ok((await csi.innerText()).includes(goal), `${await csi.innerText()} names the goal ${goal}`);
      await until(async () => (await page.locator('.c-target-label').textContent().catch(() => '')).includes(goal),
        `the trend's line at ${goal}`, 10000);
      // The response rate: the visits picked up in the period that got an answer,
      // counted here from the visits and the responses' repair orders.
      const visits = queryDb(collector.db, `SELECT repair_order FROM visits
        WHERE dealer = '${dealer}' AND pickup_date >= '${from}' AND pickup_date <= '${to}'`);
      const answered = new Set(queryDb(collector.db, `SELECT json_extract(context, '$.repair_order') AS ro
        FROM responses WHERE dealer = '${dealer}'`).map((r) => r.ro));
      const responded = visits.filter((v) => answered.has(v.repair_order)).length;
      assert.ok(responded > 0 && responded < visits.length, `${dealer}: ${responded} of ${visits.length} visits answered (the seed leaves some unanswered)`);
      const rate = page.locator('[data-figure="response-rate"]');
      await until(async () => (await rate.getAttribute('data-visits').catch(() => null)) === String(visits.length),
        `${dealer}: the response rate over ${visits.length} visits`, 10000);
      assert.equal(Number(await rate.getAttribute('data-responded')), responded);
      const rateText = await rate.textContent();
      // The two counts are kept on one line (no-break spaces around the slash).
      assert.ok(rateText.includes(pct(responded / visits.length)) && new RegExp(`${responded}\u00a0/\u00a0${visits.length}`).test(rateText), rateText);
      t.diagnostic(`${dealer}: ${want.yes}/${want.n} fixed first time, target ${target}; ${responded}/${visits.length} visits answered`);
    }
    // One week: fewer than 30 answers, marked.
    const [from, to] = ['2026-11-02', '2026-11-08'];
    const week = fromDatabase('D001', from, to);
    await show(page, 'D001', from, to, labels);
    const card = page.locator('[data-figure="fixed-first-time"]');
    t.diagnostic(`D001, ${from}..${to}: ${week.yes}/${week.n}`);
    assert.ok(week.n > 0 && week.n < 30, `a week holds a few answers: ${week.n}`);
    {
      await until(async () => (await card.innerText().catch(() => '')).includes(`n ${week.n}`), `a week: ${week.n}`, 10000);
      assert.equal(await card.locator('[data-few]').count(), week.n < 30 ? 1 : 0);
    }
    await page.screenshot({ path: `${SHOTS}/overview-fft-${locale}.png` });
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
}
