// The console's targets page and "did we solve it?" (issue 16): two detractors open two
// cases; the manager gives one to an agent, reaches the customer and closes it; the
// other passes its due time uncontacted on the collector's (test-moved) clock and is
// escalated. #targets shows the figures the database holds (per dealer and per agent),
// sorts, passes axe in zh-CN and en and is photographed at 1366x768 and 768x1024. Then
// the manager creates the closed case's survey link, a customer answers it in the
// widget, the case shows "solved: yes, 5/5", and the used link shows the used-link page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, newPage, addUser, signInOnPage, until, queryDb, widgetRunning } from './support.mjs';
import { answersFor } from '../seed/seed.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DESK = { width: 1366, height: 768 };
const TABLET = { width: 768, height: 1024 };
const ZONE = 'Asia/Shanghai';
const DEF = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));
const SHOTS = join(ROOT, 'tests/e2e/artifacts');

let collector;
let browser;
const cases = {};
before(async () => {
  process.env.COLLECTOR_TEST_HOOKS = '1';
  collector = await startCollector({ args: ['--case-sweep-ms', '100'] });
  delete process.env.COLLECTOR_TEST_HOOKS;
  addUser(collector, 'agent-t', 'follow-up-agent', ['D001']);
  addUser(collector, 'mgr-t', 'dealer-manager', ['D001']);
  browser = await launchBrowser();
  for (const ro of ['RO-T-A', 'RO-T-B']) cases[ro] = await postDetractor(ro);
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** A detractor's response for repair order `ro` of D001, now; returns its case id. */
async function postDetractor(ro) {
  let n = 11;
  const random = () => ((n = (n * 16807) % 2147483647) / 2147483647);
  const answers = answersFor(DEF, 'unhappy', random);
  answers.nps = { scale: 2 };
  const payload = {
    format: 'survey-response/1', id: randomUUID(), survey: { id: 'post-service', version: DEF.version },
    locale: 'zh-CN', created_at: new Date().toISOString(),
    context: { dealer: 'D001', repair_order: ro, advisor: 'D001-A' },
    answers, client: { widget_version: 'e2e', mode: 'page' },
  };
  const r = await fetch(`${collector.url}/v1/responses`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload),
  });
  assert.equal(r.status, 201, await r.text());
  const [row] = queryDb(collector.db, `SELECT id FROM cases WHERE response_id = '${payload.id}'`);
  return row.id;
}

async function managerPage(viewport = DESK, locale = 'zh-CN') {
  const page = await newPage(browser, viewport, { locale, timezoneId: ZONE, bypassCSP: true });
  await signInOnPage(page, collector, 'mgr-t', '/console');
  return page;
}

/** One case event, posted from the signed-in page with its session's CSRF token. */
async function act(page, id, body) {
  const status = await page.evaluate(async ([id, body]) => {
    const me = await (await fetch('/v1/auth/me')).json();
    const r = await fetch(`/v1/cases/${id}/events`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf }, body: JSON.stringify(body),
    });
    return r.status;
  }, [id, body]);
  assert.equal(status, 200, JSON.stringify(body));
}

async function targetsPage(page, lang) {
  await page.goto(`${collector.url}/console#targets`);
  if (lang === 'en') await page.locator('#c-lang').selectOption('en');
  await page.locator(`.c-app[lang="${lang}"]`).waitFor();
  await page.locator('[data-table="targets-dealer"] tbody tr').first().waitFor();
  await page.locator('[data-table="targets-agent"] tbody tr').first().waitFor();
}

test('targets: the figures of the seeded cases, per dealer and per agent', async () => {
  const first = await managerPage();
  await act(first, cases['RO-T-A'], { action: 'assign', to: 'agent-t' });
  await act(first, cases['RO-T-A'], { action: 'attempt', outcome: 'reached' });
  await act(first, cases['RO-T-A'], { action: 'close', cause: 'service', severity: 'general', resolution: '已致歉并重新检查车辆。' });
  await first.context().close();
  // Two days and an hour later: case B was never reached and is escalated by the sweep.
  const r = await fetch(`${collector.url}/v1/test/clock?advance_ms=${49 * 3600e3}`, { method: 'POST' });
  assert.equal(r.status, 200);
  await until(() => queryDb(collector.db, `SELECT escalated_at FROM cases WHERE id = '${cases['RO-T-B']}'`)[0].escalated_at, 'escalated', 10000);

  // A new sign-in: the session of two days ago has expired on the moved clock.
  const page = await managerPage();
  await targetsPage(page, 'zh-CN');
  // The nav leads here and says so.
  assert.equal(await page.locator('.c-nav-link[aria-current="page"]').innerText(), '回访目标');
  const [{ n }] = queryDb(collector.db, "SELECT COUNT(*) AS n FROM cases WHERE dealer = 'D001'");
  const dealerRow = page.locator('[data-table="targets-dealer"] tbody tr[data-dealer="D001"]');
  assert.equal(await dealerRow.locator('[data-figure="opened"]').innerText(), String(n));
  const cells = await dealerRow.locator('th, td').allInnerTexts();
  // Contacted in time: A (reached at once) of A and B (past due, never reached).
  assert.match(cells[2], /^50\.0% \(1\/2\)/);
  assert.match(cells[2], /未达标/);
  assert.match(cells[2], /样本少/);
  assert.equal(await dealerRow.locator('[data-figure="escalated"]').innerText(), '1');
  // Per agent: agent-t owns A (contacted in time), B is unowned.
  const agentRow = page.locator('[data-table="targets-agent"] tbody tr[data-agent="agent-t"]');
  assert.match((await agentRow.locator('td').nth(2).innerText()), /^100\.0% \(1\/1\)/);
  assert.match(await agentRow.locator('td').nth(2).innerText(), /达标/);
  assert.equal(await page.locator('[data-table="targets-agent"] tbody tr[data-agent=""] td').first().innerText(), '未分配');

  // Sortable like the advisors' table: a header button, aria-sort on the sorted column.
  const opened = page.locator('[data-table="targets-agent"] thead button[data-sort="Opened"]');
  await opened.click();
  assert.equal(await page.locator('[data-table="targets-agent"] thead th[aria-sort]').innerText(), await opened.innerText());
  assert.equal(await page.locator('[data-table="targets-agent"] thead th[aria-sort]').getAttribute('aria-sort'), 'descending');
  await opened.press('Enter');
  assert.equal(await page.locator('[data-table="targets-agent"] thead th[aria-sort]').getAttribute('aria-sort'), 'ascending');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('axe: #targets in zh-CN and en at 1366x768 and 768x1024, with screenshots', async (t) => {
  const violations = [];
  for (const viewport of [DESK, TABLET]) {
    const page = await managerPage(viewport);
    for (const lang of ['zh-CN', 'en']) {
      await targetsPage(page, lang);
      await page.evaluate(AXE);
      const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
      violations.push(...result.violations.map((v) => `${lang} ${viewport.width}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      await page.screenshot({ path: join(SHOTS, `console-targets-${lang}-${viewport.width}x${viewport.height}.png`), fullPage: true });
      const widest = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(widest <= viewport.width, `no sideways page scroll at ${viewport.width} (${lang}): ${widest}`);
      const small = await page.evaluate(() => [...document.querySelectorAll('button, select, input, .c-nav-link')]
        .filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 44)
        .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().height)}`));
      assert.deepEqual(small, [], `targets under 44 px (${lang} ${viewport.width})`);
    }
    await page.context().close();
  }
  t.diagnostic('screenshots: tests/e2e/artifacts/console-targets-*.png');
  assert.deepEqual(violations, []);
});

test('did we solve it: the manager creates the link, the customer answers, the case shows it', async () => {
  const page = await managerPage(DESK, 'en');
  const id = cases['RO-T-A'];
  await page.goto(`${collector.url}/console#cases/${id}`);
  await page.locator('#c-lang').selectOption('en');
  await page.locator('#c-solve').waitFor();
  await page.getByRole('button', { name: 'Create link' }).click();
  const field = page.getByLabel('Survey link (select and copy)');
  await field.waitFor();
  const url = await field.inputValue();
  assert.match(url, /survey=case-solved/);
  assert.match(url, new RegExp(`token=${id}`));
  assert.equal(await page.locator('img.c-qr').evaluate((img) => img.complete && img.naturalWidth > 0), true, 'the QR code loads');
  // One link per case: the page keeps showing the same one.
  await page.reload();
  await page.locator('#c-lang').selectOption('en');
  assert.equal(await page.getByLabel('Survey link (select and copy)').inputValue(), url);

  // The customer, on a phone, in the widget.
  const phone = await newPage(browser, { width: 360, height: 740 }, { locale: 'en' });
  await phone.goto(url);
  await widgetRunning(phone);
  await phone.screenshot({ path: join(SHOTS, 'solve-survey-en-360.png'), fullPage: true });
  const yes = phone.locator('fieldset[id$="solved"] label.sw-choice').first();
  await yes.click();
  await phone.locator('fieldset[id$="handling"] label.sw-choice').last().click();
  await phone.locator('textarea').fill('Fixed, thank you.');
  await phone.locator('.sw-btn-primary').click();
  await phone.locator('.sw-done').waitFor();
  const [stored] = queryDb(collector.db, `SELECT verified, answers FROM responses WHERE survey_id = 'case-solved' AND token = '${id}'`);
  assert.equal(stored.verified, 1);
  assert.deepEqual(JSON.parse(stored.answers).solved, { yes_no: true });
  // A used link shows the used-link page.
  const again = await newPage(browser, { width: 360, height: 740 }, { locale: 'en' });
  await again.goto(url);
  await again.locator('.sw-link-used h2').waitFor();
  await again.screenshot({ path: join(SHOTS, 'solve-link-used-en-360.png') });

  await page.reload();
  await page.locator('#c-lang').selectOption('en');
  const solved = page.locator('[data-fact="solved"]');
  await solved.waitFor();
  assert.equal(await solved.innerText(), 'solved: yes, 5/5');
  await page.locator('#c-solve').screenshot({ path: join(SHOTS, 'console-case-solved-panel-en.png') });
  await page.screenshot({ path: join(SHOTS, 'console-case-solved-en-1366x768.png'), fullPage: true });
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  assert.deepEqual(result.violations.map((v) => `${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  // And the targets count it as solved.
  await targetsPage(page, 'en');
  const row = page.locator('[data-table="targets-dealer"] tbody tr[data-dealer="D001"]');
  assert.match(await row.locator('td').last().innerText(), /^100\.0% \(1\/1\)/);
  for (const p of [phone, again, page]) await p.context().close();
});
