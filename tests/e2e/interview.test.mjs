// The phone interview (issue 16): from a detractor's case page an agent opens the
// widget in interview mode (/console/interview?case=…), completes it with the keyboard
// only, and the response is stored with channel phone and the signed-in agent; a "no
// answer" outcome stores no response and logs an attempt on the case. axe on the page,
// screenshots at 1366x768 and 1024x768 into /tmp/interview-16-shots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ROOT, PASSWORD, startCollector, launchBrowser, newPage, addUser, signInOnPage, until, queryDb } from './support.mjs';
import { answersFor } from '../seed/seed.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DEF = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));
const SHOTS = process.env.SHOTS_DIR || '/tmp/interview-16-shots';
mkdirSync(SHOTS, { recursive: true });

let collector;
let browser;
before(async () => {
  collector = await startCollector();
  addUser(collector, 'agent-1', 'follow-up-agent', ['D001']);
  addUser(collector, 'mgr-1', 'dealer-manager', ['D001']);
  browser = await launchBrowser();
  for (const ro of ['RO-INT-A', 'RO-INT-B']) await postDetractor(ro);
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** A detractor who left a phone number, for repair order `ro` of D001, advisor D001-A. */
async function postDetractor(ro) {
  let n = 11;
  const random = () => ((n = (n * 16807) % 2147483647) / 2147483647);
  const answers = answersFor(DEF, 'unhappy', random);
  answers.nps = { scale: 2 };
  answers.contact_me = { contact: { consent: true, phone: '13900002222' } };
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
}

function caseOf(ro) {
  const [row] = queryDb(collector.db, `SELECT c.id FROM cases c JOIN responses r ON r.id = c.response_id
    WHERE json_extract(r.payload, '$.context.repair_order') = '${ro}'`);
  return row.id;
}
function phoneRows(caseId) {
  return queryDb(collector.db, `SELECT id, payload FROM responses
    WHERE json_extract(payload, '$.context.channel') = 'phone' AND json_extract(payload, '$.context.case') = '${caseId}'`);
}
function attempts(caseId) {
  return queryDb(collector.db, `SELECT detail FROM case_events WHERE case_id = '${caseId}' AND action = 'attempt' ORDER BY seq`)
    .map((e) => JSON.parse(e.detail).outcome);
}

/** The agent on the case page of `ro`, having taken the case. */
async function onCase(ro, viewport) {
  const page = await newPage(browser, viewport, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', bypassCSP: true });
  page.failed = [];
  page.on('response', (r) => { if (r.status() >= 400) page.failed.push(`${r.request().method()} ${r.url()} ${r.status()}`); });
  await signInOnPage(page, collector, 'agent-1', '/console');
  const id = caseOf(ro);
  await page.goto(`${collector.url}/console#cases/${id}`);
  await page.locator('#c-case-title').waitFor();
  await page.getByRole('button', { name: '由我负责' }).click();
  await until(async () => (await page.locator('[data-fact="owner"]').innerText()) === 'agent-1', 'owned', 5000);
  return { page, id };
}

async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('interview: from a detractor\'s case, keyboard only, stored as a phone call of the agent', async () => {
  const { page, id } = await onCase('RO-INT-A', { width: 1366, height: 768 });
  await page.screenshot({ path: join(SHOTS, 'case-page-1366.png') });
  const link = page.getByRole('link', { name: '电话访问' });
  assert.equal(await link.getAttribute('href'), `/console/interview?case=${id}`);
  await link.click();
  await page.waitForURL((u) => u.pathname === '/console/interview');
  await page.locator('.sw-interview .sw-form').waitFor();
  // From here on, the interview page's own errors (the console's overview, read by an
  // agent on signing in, has 403s of its own).
  page.consoleErrors.length = 0;
  page.failed.length = 0;
  // The compact layout: the script line above each question, key hints, the outcome bar.
  assert.ok(await page.locator('.sw-script').count() >= 2);
  assert.equal(await page.locator('.sw-script').first().innerText(), '请向客户读出：');
  assert.deepEqual(await page.locator('.sw-outcomes button').allInnerTexts(), ['已接通', '无人接听', '拒绝访问', '稍后回电']);
  assert.deepEqual(await page.locator('.sw-q').first().locator('.sw-key').allInnerTexts(), ['1', '2', '3']);
  assert.deepEqual(await axe(page), [], 'axe on the interview page at 1366x768');
  await page.screenshot({ path: join(SHOTS, 'interview-1366.png'), fullPage: false });

  // Keyboard only from here: Tab to "reached", Enter; then per question a digit, Tab on.
  await page.keyboard.press('Tab');
  for (let i = 0; i < 10; i++) {
    if (await page.evaluate(() => document.activeElement?.textContent === '已接通')) break;
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('.sw-outcomes [aria-pressed="true"]').innerText(), '已接通');
  const answered = new Set();
  let pages = 0;
  for (let step = 0; step < 400; step++) {
    if (await page.locator('.sw-recorded').count()) break;
    const focus = await page.evaluate(() => {
      const a = document.activeElement;
      const group = a?.closest('fieldset');
      return {
        tag: a?.tagName, type: a?.type ?? null,
        group: group?.id ?? null,
        zero: group?.hasAttribute('data-sw-zero') ?? false,
        scale: !!group?.querySelector('.sw-scale'),
        submit: a?.type === 'submit',
      };
    });
    if (focus.type === 'radio' && !answered.has(focus.group)) {
      answered.add(focus.group);
      // NPS 9 (its digit is its score), 4 on a rating, the first answer (yes) elsewhere.
      await page.keyboard.press(focus.zero ? '9' : focus.scale ? '4' : '1');
    } else if (focus.submit) {
      pages += 1;
      await page.keyboard.press('Enter');
      await page.waitForTimeout(150);
      continue;
    }
    await page.keyboard.press('Tab');
  }
  await page.locator('.sw-recorded h2').waitFor();
  assert.equal(await page.locator('.sw-recorded h2').innerText(), '访问已记录。');
  assert.equal(await page.locator('.sw-recorded a').getAttribute('href'), `/console#cases/${id}`);
  assert.equal(await page.locator('.sw-done-mark, .sw-will-contact').count(), 0, 'no customer thank-you');
  assert.ok(pages >= 3, `went through the pages (${pages})`);
  await page.screenshot({ path: join(SHOTS, 'interview-recorded-1366.png') });

  await until(() => phoneRows(id).length === 1, 'the phone response stored', 10000);
  const [row] = phoneRows(id);
  const payload = JSON.parse(row.payload);
  assert.equal(payload.context.channel, 'phone');
  assert.equal(payload.context.agent, 'agent-1');
  assert.equal(payload.context.advisor, 'D001-A');
  assert.equal(payload.context.called_back_3d, 'yes');
  assert.equal(payload.client.mode, 'interview');
  assert.equal(payload.answers.nps.scale, 9);
  assert.deepEqual(page.consoleErrors, [], page.failed.join(' '));
  await page.context().close();
});

test('interview: "no answer" stores no response and logs the attempt on the case; 1024x768', async () => {
  const { page, id } = await onCase('RO-INT-B', { width: 1024, height: 768 });
  await page.goto(`${collector.url}/console/interview?case=${id}`);
  await page.locator('.sw-interview .sw-form').waitFor();
  assert.deepEqual(await axe(page), [], 'axe on the interview page at 1024x768');
  await page.screenshot({ path: join(SHOTS, 'interview-1024.png') });
  // An answer given before the customer hung up is not sent.
  await page.locator('.sw-q').first().locator('input').first().focus();
  await page.keyboard.press('1');
  await page.getByRole('button', { name: '无人接听' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('.sw-recorded h2').waitFor();
  assert.equal(await page.locator('.sw-recorded h2').innerText(), '未记录任何回答；本次呼叫已记录。');
  await page.screenshot({ path: join(SHOTS, 'interview-no-answer-1024.png') });
  assert.deepEqual(attempts(id), ['no_answer']);
  await page.waitForTimeout(500);
  assert.equal(phoneRows(id).length, 0);
  assert.equal(queryDb(collector.db, `SELECT COUNT(*) AS n FROM responses WHERE json_extract(payload, '$.client.mode') = 'interview'`)[0].n, 1);
  await page.context().close();
});

test('overview: a signed-link detractor\'s phone interview against the self-completed, by channel', async () => {
  const login = await fetch(`${collector.url}/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'mgr-1', password: PASSWORD }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf } = await login.json();
  const session = { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
  const today = new Date().toISOString().slice(0, 10);
  const made = await fetch(`${collector.url}/v1/links`, {
    method: 'POST', headers: session,
    body: JSON.stringify({ survey: 'post-service', dealer: 'D001', repair_order: 'RO-INT-C', advisor: 'D001-A', visit_date: today, channel: 'qr' }),
  });
  assert.equal(made.status, 201, await made.clone().text());
  const { url } = await made.json();
  // The link's parameters as the widget puts them in the context (core's LINK_PARAMS).
  const keys = { dealer: 'dealer', ro: 'repair_order', advisor: 'advisor', visit: 'visit_date', channel: 'channel', token: 'token', exp: 'exp', sig: 'sig' };
  const context = {};
  for (const [k, v] of new URL(url, collector.url).searchParams) if (keys[k]) context[keys[k]] = v;
  let n = 5;
  const random = () => ((n = (n * 16807) % 2147483647) / 2147483647);
  const answers = answersFor(DEF, 'unhappy', random);
  answers.nps = { scale: 1 };
  const post = (path, body, headers) => fetch(`${collector.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const self = { format: 'survey-response/1', id: randomUUID(), survey: { id: 'post-service', version: DEF.version },
    locale: 'zh-CN', created_at: new Date().toISOString(), context, answers, client: { widget_version: 'e2e', mode: 'page' } };
  const r = await post('/v1/responses', self, { 'Content-Type': 'application/json' });
  assert.equal(r.status, 201, await r.clone().text());
  assert.equal((await r.json()).verified, true);
  const id = caseOf('RO-INT-C');
  const phone = { ...self, id: randomUUID(), context: { case: id },
    answers: { ...answersFor(DEF, 'happy', random), nps: { scale: 9 } }, client: { widget_version: 'e2e', mode: 'interview' } };
  const p = await post('/v1/interviews', phone, session);
  assert.equal(p.status, 201, await p.clone().text());
  assert.equal((await p.json()).verified, true, 'as vouched for as the case\'s response');

  const page = await newPage(browser, { width: 1366, height: 768 }, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await signInOnPage(page, collector, 'mgr-1', '/console');
  const table = page.locator('[data-table="channels"]');
  await table.waitFor();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.innerText.trim())));
  const phoneRow = rows.find((cells) => cells[1].startsWith('电话访问'));
  const selfRow = rows.find((cells) => cells[1].startsWith('自助填写 qr'));
  assert.ok(phoneRow && selfRow, JSON.stringify(rows));
  assert.equal(phoneRow[2], '1');
  assert.equal(selfRow[2], '1');
  await table.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'overview-channels-1366.png') });
  await page.context().close();
});

/** A repair order picked up three days ago (Shanghai) imported for D001 by its manager;
 * resolves to agent-1's interview page opened from that row of the call list. */
async function interviewFromCallList(ro, phone) {
  const { signIn } = await import('../seed/seed.mjs');
  const mgr = await signIn(collector.url, 'mgr-1', PASSWORD);
  const shanghai = (days) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + days * 86400e3));
  const csv = `RO,dealer,advisor,customer phone,pickup date\r\n${ro},D001,D001-B,${phone},${shanghai(-3)}\r\n`;
  const imported = await fetch(`${collector.url}/v1/dealers/D001/repair-orders`, {
    method: 'POST', headers: { 'Content-Type': 'text/csv', cookie: mgr.cookie, 'X-CSRF-Token': mgr.csrf }, body: csv,
  });
  assert.equal(imported.status, 200, await imported.text());
  const page = await newPage(browser, { width: 1366, height: 768 }, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await signInOnPage(page, collector, 'agent-1', '/console');
  await page.goto(`${collector.url}/console#calls`);
  const row = page.locator('[data-table="calls"] tbody tr', { hasText: ro });
  await row.waitFor();
  await row.getByRole('link', { name: '电话访问' }).click();
  await page.waitForURL((u) => u.pathname === '/console/interview');
  await page.locator('.sw-interview .sw-form').waitFor();
  return page;
}

test('interview: from a row of the call list, stored as the visit\'s phone call of the agent, and the call is done', async () => {
  const page = await interviewFromCallList('RO-CALL-1', '13800001111');
  page.consoleErrors.length = 0;
  // Every question answered with its first answer, page by page, then "recorded".
  for (let i = 0; i < 30 && !(await page.locator('.sw-recorded').count()); i++) {
    for (const q of await page.locator('.sw-q:not(:has(fieldset)), .sw-matrix-item').all()) {
      const first = q.locator(':scope > .sw-choices label.sw-choice').first();
      if (await first.count()) await first.click();
    }
    await page.locator('.sw-btn-primary').click();
    await page.waitForTimeout(150);
  }
  await page.locator('.sw-recorded h2').waitFor();
  assert.deepEqual(page.consoleErrors, [], 'the interview page ran without an error');
  const rows = () => queryDb(collector.db, `SELECT payload, verified FROM responses
    WHERE json_extract(payload, '$.context.repair_order') = 'RO-CALL-1'`);
  await until(() => rows().length === 1, 'the phone response stored', 10000);
  const payload = JSON.parse(rows()[0].payload);
  assert.equal(payload.context.channel, 'phone');
  assert.equal(payload.context.agent, 'agent-1');
  assert.equal(payload.context.advisor, 'D001-B', 'the visit\'s advisor, from the follow-up');
  assert.equal(payload.context.dealer, 'D001');
  assert.ok(payload.context.followup, 'the call-list row it came from');
  // The call is done: reached, off the list.
  const status = queryDb(collector.db, "SELECT status FROM visits WHERE repair_order = 'RO-CALL-1'")[0].status;
  assert.notEqual(status, 'due', `the follow-up is ${status}`);
  await page.goto(`${collector.url}/console#calls`);
  await page.locator('.c-calls').waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.locator('[data-table="calls"] tbody tr', { hasText: 'RO-CALL-1' }).count(), 0);
  await page.context().close();
});

test('interview: from a call-list row, "no answer" stores no response and logs the attempt on the follow-up', async () => {
  const page = await interviewFromCallList('RO-CALL-2', '13800002222');
  await page.getByRole('button', { name: '无人接听' }).click();
  await page.locator('.sw-recorded h2').waitFor();
  assert.equal(await page.locator('.sw-recorded h2').innerText(), '未记录任何回答；本次呼叫已记录。');
  const attempts = queryDb(collector.db, `SELECT a.outcome FROM followup_attempts a JOIN visits v ON v.id = a.visit_id
    WHERE v.repair_order = 'RO-CALL-2'`);
  assert.deepEqual(attempts.map((a) => a.outcome), ['no_answer']);
  const responses = queryDb(collector.db, `SELECT COUNT(*) AS n FROM responses
    WHERE json_extract(payload, '$.context.repair_order') = 'RO-CALL-2'`);
  assert.equal(Number(responses[0].n), 0, 'no response for a customer not reached');
  // Not done: the call list's schedule plans the second attempt.
  const [visit] = queryDb(collector.db, "SELECT status FROM visits WHERE repair_order = 'RO-CALL-2'");
  assert.notEqual(visit.status, 'reached', `the follow-up is ${visit.status}`);
  await page.context().close();
});
