// The console's cases pages (issue 16): a follow-up agent works a detractor's case from
// the unowned list to closed, a manager finds an uncontacted case on the escalated list
// once the collector's (test-moved) clock passes its due time, an advisor gets no cases,
// and the pages are checked with axe and photographed in both languages. Every action
// goes through the real collector (POST /v1/cases/{id}/events with the CSRF header).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, COLLECTOR, PASSWORD, startCollector, launchBrowser, newPage, addUser, signInOnPage, until, queryDb } from './support.mjs';
import { answersFor } from '../seed/seed.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DESK = { width: 1366, height: 768 };
const ZONE = 'Asia/Shanghai';
const DEF = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));

let collector;
let browser;
before(async () => {
  // The test clock (POST /v1/test/clock) and a fast escalation sweep.
  process.env.COLLECTOR_TEST_HOOKS = '1';
  collector = await startCollector({ args: ['--case-sweep-ms', '100'] });
  delete process.env.COLLECTOR_TEST_HOOKS;
  addUser(collector, 'agent-1', 'follow-up-agent', ['D001']);
  addUser(collector, 'mgr-1', 'dealer-manager', ['D001']);
  // An advisor account names the advisor it is (their own responses only).
  execFileSync(COLLECTOR, ['user', 'add', '--login', 'adv-1', '--role', 'service-advisor', '--dealers', 'D001',
    '--advisor', 'D001-A', '--password-stdin', '--db', collector.db], { input: `${PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  browser = await launchBrowser();
  for (const ro of ['RO-CASE-A', 'RO-CASE-B']) await postDetractor(ro);
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** A detractor who left a phone number, answering now for repair order `ro` of D001. */
async function postDetractor(ro) {
  let n = 7;
  const random = () => ((n = (n * 16807) % 2147483647) / 2147483647);
  const answers = answersFor(DEF, 'unhappy', random);
  answers.nps = { scale: 3 };
  answers.contact_me = { contact: { consent: true, phone: '13900001111' } };
  const payload = {
    format: 'survey-response/1', id: randomUUID(), survey: { id: 'post-service', version: DEF.version },
    locale: 'zh-CN', created_at: new Date().toISOString(),
    context: { dealer: 'D001', repair_order: ro, visit_date: new Date().toISOString().slice(0, 10), advisor: 'D001-A' },
    answers, client: { widget_version: 'e2e', mode: 'page' },
  };
  const r = await fetch(`${collector.url}/v1/responses`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload),
  });
  assert.equal(r.status, 201, await r.text());
  return payload.id;
}

/** The case of repair order `ro`, from the database. */
function caseOf(ro) {
  const [row] = queryDb(collector.db, `SELECT c.id, c.status, c.state FROM cases c JOIN responses r ON r.id = c.response_id
    WHERE json_extract(r.payload, '$.context.repair_order') = '${ro}'`);
  return row;
}
function events(id) {
  return queryDb(collector.db, `SELECT action, detail FROM case_events WHERE case_id = '${id}' ORDER BY seq`)
    .map((e) => `${e.action}${JSON.parse(e.detail).outcome ? `:${JSON.stringify(JSON.parse(e.detail).outcome)}` : ''}`);
}

async function casesPage(login, { viewport = DESK, locale = 'zh-CN' } = {}) {
  const page = await newPage(browser, viewport, { locale, timezoneId: ZONE, bypassCSP: true });
  await signInOnPage(page, collector, login, '/console');
  await page.goto(`${collector.url}/console#cases`);
  await page.locator('#c-cases-title').waitFor();
  return page;
}

/** The row of repair order `ro` in the list shown. */
const rowOf = (page, ro) => page.locator('[data-table="cases"] tbody tr', { hasText: ro });

test('cases: an agent takes a case, logs no answer, then reached, resolves and closes it with a cause', async (t) => {
  const page = await casesPage('agent-1');
  // An agent's lists: their own, the unowned, the overdue; the escalated one is the manager's.
  const tabs = await page.locator('.c-tab').allInnerTexts();
  assert.deepEqual(tabs, ['我的未结工单', '未分配', '已逾期']);
  await page.getByRole('button', { name: '未分配' }).click();
  const row = rowOf(page, 'RO-CASE-A');
  await row.waitFor();
  const cells = await row.locator('th, td').allInnerTexts();
  assert.match(cells[1], /NPS 贬损者/);
  assert.match(cells[1], /客户要求联系/);
  assert.match(cells[2], /\d{4}-\d\d-\d\d \d\d:\d\d\s+Asia\/Shanghai/, 'due on the dealer\'s clock');
  assert.equal(cells[3], '待联系');
  assert.equal(cells[4], '（未分配）');
  await row.getByRole('link').click();
  await page.locator('#c-case-title').waitFor();
  assert.equal(await page.locator('#c-case-title').innerText(), '工单 RO-CASE-A');
  // Contact data for an agent; the answers and the alerts.
  assert.equal(await page.locator('[data-contact="phone"]').innerText(), '13900001111');
  assert.ok(await page.locator('[data-alert="nps_detractor"]').count());
  assert.ok((await page.locator('[data-table="answers"] tbody tr').count()) > 5);
  const { id } = caseOf('RO-CASE-A');
  const status = () => page.locator('[data-fact="status"]').innerText();

  // Not theirs yet: a call is refused by the server, its line shown beside the form.
  await page.getByLabel('无人接听').check();
  await page.getByRole('button', { name: '保存通话记录' }).click();
  await until(async () => (await page.locator('#c-e-attempt').innerText()).includes('take it'), 'the refusal', 5000);
  assert.ok(await page.getByLabel('无人接听').isChecked(), 'the form keeps its choice after a refusal');

  await page.getByRole('button', { name: '由我负责' }).click();
  await until(async () => (await page.locator('[data-fact="owner"]').innerText()) === 'agent-1', 'owned', 5000);
  await page.getByLabel('无人接听').check();
  await page.getByRole('button', { name: '保存通话记录' }).click();
  await until(async () => (await page.locator('[data-fact="failed"]').innerText()) === '1', 'one failed attempt', 5000);
  assert.equal(await status(), '待联系');
  assert.equal(await page.locator('#c-saved').innerText(), '已保存。');
  await page.getByLabel('已接通').check();
  await page.getByRole('button', { name: '保存通话记录' }).click();
  await until(async () => (await status()) === '已联系', 'contacted', 5000);
  // The call log shows both calls, with who made them.
  const log = await page.locator('[data-table="history"] tbody tr[data-event="attempt"]').allInnerTexts();
  assert.equal(log.length, 2);
  assert.match(log[0], /agent-1.*无人接听/s);
  assert.match(log[1], /agent-1.*已接通/s);

  await page.getByLabel('已解决：已答复客户的问题').check();
  await page.getByLabel('处理说明（简短）').fill('重新检查了刹车，免费更换刹车片。');
  await page.getByRole('button', { name: '保存状态' }).click();
  await until(async () => (await status()) === '已解决', 'resolved', 5000);

  // Closing without a cause: the server's line, and the typed resolution is kept.
  const close = page.locator('form[data-form="close"]');
  await close.getByLabel('处理结果').fill('客户满意，已回访确认。');
  await close.getByRole('button', { name: '结案' }).click();
  await until(async () => (await page.locator('#c-e-close').innerText()).includes('cause'), 'missing cause refused', 5000);
  assert.equal(await close.getByLabel('处理结果').inputValue(), '客户满意，已回访确认。');
  await close.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/console-cases-refusal-zh-CN.png') });
  await close.getByLabel('服务', { exact: true }).check();
  await close.getByLabel('一般').check();
  await close.getByRole('button', { name: '结案' }).click();
  await until(async () => (await status()) === '已结案', 'closed', 5000);
  assert.equal(await page.locator('[data-fact="cause"]').innerText(), '服务');
  // An agent cannot reopen: no reopen form, no forms at all on a closed case.
  assert.equal(await page.locator('form[data-form]').count(), 0);

  assert.deepEqual(events(id), ['open', 'assign', 'attempt:"no_answer"', 'attempt:"reached"', 'resolve', 'close']);
  const state = JSON.parse(caseOf('RO-CASE-A').state);
  assert.equal(state.status, 'closed');
  assert.equal(state.cause, 'service');
  assert.equal(state.severity, 'general');
  t.diagnostic(`case ${id}: ${events(id).join(' → ')}`);
  assert.deepEqual(page.consoleErrors.filter((e) => !/status of (403|409|422)/.test(e)), []);
  await page.context().close();
});

test('cases: an uncontacted case past its due time is on the manager\'s escalated list', async () => {
  let page = await casesPage('mgr-1');
  const tabs = await page.locator('.c-tab').allInnerTexts();
  assert.deepEqual(tabs, ['已升级（经理）', '我的未结工单', '未分配', '已逾期']);
  assert.equal(await page.locator('.c-tab[aria-pressed="true"]').innerText(), '已升级（经理）', 'a manager opens on the escalated list');
  await page.getByRole('button', { name: '已升级（经理）' }).click();
  await page.locator('[data-empty="cases"]').waitFor();
  await page.context().close();
  // Two days and an hour later on the collector's clock; the sweep escalates.
  const r = await fetch(`${collector.url}/v1/test/clock?advance_ms=${49 * 3600e3}`, { method: 'POST' });
  assert.equal(r.status, 200);
  const { id } = caseOf('RO-CASE-B');
  await until(async () => events(id).includes('escalate'), 'the sweep escalates RO-CASE-B', 10000);
  // Sessions last 12 hours: the manager signs in again.
  page = await casesPage('mgr-1');
  await page.getByRole('button', { name: '已升级（经理）' }).click();
  const row = rowOf(page, 'RO-CASE-B');
  await row.waitFor();
  assert.equal(await page.locator('[data-table="cases"] tbody tr').count(), 1, 'the closed case A is not escalated');
  assert.ok(await row.locator('[data-flag="overdue"]').count(), 'shown overdue');
  assert.ok(await row.locator('[data-flag="escalated"]').count(), 'shown escalated');
  // The manager opens it and sees the escalation in its history, by the system.
  await row.getByRole('link').click();
  await page.locator('[data-table="history"] tr[data-event="escalate"]').waitFor();
  assert.match(await page.locator('[data-table="history"] tr[data-event="escalate"]').innerText(), /系统（自动）/);
  // The manager gives it to the agent: a login that is no one's is refused first, and
  // stays in the field to correct.
  const assign = page.locator('form[data-form="assign"]');
  await assign.getByLabel('分配给（回访专员或经理的登录名）').fill('nobody-here');
  await assign.getByRole('button', { name: '分配' }).click();
  await until(async () => (await page.locator('#c-e-assign').innerText()).includes('nobody-here'), 'unknown login refused', 5000);
  await assign.getByLabel('分配给（回访专员或经理的登录名）').fill('agent-1');
  await assign.getByRole('button', { name: '分配' }).click();
  await until(async () => (await page.locator('[data-fact="owner"]').innerText()) === 'agent-1', 'reassigned', 5000);
  // And reopens the case the agent closed, with a reason (an empty one is refused).
  await page.goto(`${collector.url}/console#cases/${caseOf('RO-CASE-A').id}`);
  const reopen = page.locator('form[data-form="reopen"]');
  await reopen.waitFor();
  await reopen.getByRole('button', { name: '重新打开工单' }).click();
  await until(async () => (await page.locator('#c-e-reopen').innerText()).includes('reason'), 'a reason is required', 5000);
  await reopen.getByLabel('原因').fill('客户再次来电，刹车仍有异响。');
  await reopen.getByRole('button', { name: '重新打开工单' }).click();
  await until(async () => (await page.locator('[data-fact="status"]').innerText()) === '待联系', 'reopened', 5000);
  assert.deepEqual(events(caseOf('RO-CASE-A').id).slice(-1), ['reopen']);
  await page.context().close();
});

test('cases: a service advisor has no cases page, and the server says why', async () => {
  const page = await newPage(browser, DESK, { locale: 'zh-CN', timezoneId: ZONE });
  await signInOnPage(page, collector, 'adv-1', '/console');
  await page.locator('.c-nav').waitFor();
  assert.equal(await page.locator('.c-nav a[href="#cases"]').count(), 0, 'no cases in the page links');
  assert.ok(await page.locator('.c-nav a[href="#overview"]').count() === 1, 'the overview is');
  await page.goto(`${collector.url}/console#cases`);
  const refusal = page.locator('[data-error="list"]');
  await refusal.waitFor();
  assert.match(await refusal.innerText(), /service advisor does not read cases/);
  const api = await page.request.get(`${collector.url}/v1/cases`);
  assert.equal(api.status(), 403);
  await page.context().close();
});

/** Presses Tab until `selector` (holding `text`, if given) has focus (at most `max` presses). */
async function tabTo(page, selector, text = '', max = 80) {
  for (let i = 0; i < max; i++) {
    const here = await page.evaluate(([s, t]) => !!document.activeElement?.matches(s) && document.activeElement.textContent.includes(t), [selector, text]);
    if (here) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${selector} ${text}`);
}

test('cases: keyboard only, an agent takes a case, reaches the customer and resolves it', async () => {
  await postDetractor('RO-CASE-C');
  const page = await casesPage('agent-1');
  await tabTo(page, 'button[data-tab="unowned"]');
  await page.keyboard.press('Enter');
  await rowOf(page, 'RO-CASE-C').waitFor();
  await tabTo(page, '[data-case] a[href*="#cases/"]', 'RO-CASE-C');
  assert.match(await page.evaluate(() => document.activeElement.textContent), /RO-CASE-C/);
  await page.keyboard.press('Enter');
  await page.locator('#c-case-title').waitFor();
  await until(async () => page.evaluate(() => document.activeElement?.id === 'c-case-title'), 'focus on the case heading', 5000);
  await tabTo(page, 'button[data-action="take"]');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('[data-fact="owner"]').innerText()) === 'agent-1', 'owned', 5000);
  await until(async () => page.evaluate(() => document.activeElement?.id === 'c-saved'), 'focus on "saved"', 5000);
  // The outcome group: Tab lands on its first choice (reached), Space chooses it.
  await tabTo(page, 'input[name="c-outcome"]');
  await page.keyboard.press('Space');
  assert.ok(await page.getByLabel('已接通').isChecked());
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('[data-fact="status"]').innerText()) === '已联系', 'contacted', 5000);
  await tabTo(page, 'input[name="c-status"]');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.type('电话致歉并预约免费复检。');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('[data-fact="status"]').innerText()) === '已解决', 'resolved', 5000);
  const { id } = caseOf('RO-CASE-C');
  // (The collector's clock runs 49 h ahead since the test before: this case was overdue
  // on arrival, so the sweep may have escalated it meanwhile.)
  assert.deepEqual(events(id).filter((e) => e !== 'escalate'), ['open', 'assign', 'attempt:"reached"', 'resolve']);
  // Focus is visible: the focused control draws an outline.
  await tabTo(page, 'input[name="c-cause"]');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement.closest('label')).outlineStyle);
  assert.equal(outline, 'solid');
  await page.context().close();
});

test('axe: the cases list and a case in zh-CN and en at 1366 and 1024 wide, with screenshots', async (t) => {
  const violations = [];
  const { id } = caseOf('RO-CASE-B');
  for (const viewport of [DESK, { width: 1024, height: 768 }]) {
    const page = await casesPage('mgr-1', { viewport });
    for (const lang of ['zh-CN', 'en']) {
      if (lang === 'en') await page.locator('#c-lang').selectOption('en');
      for (const view of ['list', 'case']) {
        if (view === 'list') {
          await page.goto(`${collector.url}/console#cases`);
          if (lang === 'en') await page.locator('#c-lang').selectOption('en');
          await page.locator('button[data-tab="overdue"]').click();
          await page.locator('[data-table="cases"] tbody tr').first().waitFor();
        } else {
          await page.goto(`${collector.url}/console#cases/${id}`);
          if (lang === 'en') await page.locator('#c-lang').selectOption('en');
          await page.locator('form[data-form="attempt"]').waitFor();
        }
        await page.locator(`.c-app[lang="${lang}"]`).waitFor();
        await page.evaluate(AXE);
        const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
        violations.push(...result.violations.map((v) => `${lang} ${view} ${viewport.width}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
        await page.screenshot({ path: join(ROOT, `tests/e2e/artifacts/console-cases-${view}-${lang}-${viewport.width}x${viewport.height}.png`), fullPage: true });
        const widest = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(widest <= viewport.width, `no sideways scrolling at ${viewport.width} (${lang} ${view}): ${widest}`);
        // Every control at least 44 px high.
        const small = await page.evaluate(() => [...document.querySelectorAll('button, select, input:not([type=radio]), textarea, .c-choice, .c-link, .c-nav-link')]
          .filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 44)
          .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().height)}`));
        assert.deepEqual(small, [], `targets under 44 px (${lang} ${view} ${viewport.width})`);
      }
    }
    await page.context().close();
  }
  t.diagnostic('screenshots: tests/e2e/artifacts/console-cases-*.png');
  assert.deepEqual(violations, []);
});
