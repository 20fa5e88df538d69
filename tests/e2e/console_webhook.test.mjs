// The console's notifications page (issue 16: "a new case and an escalation are posted to
// a configurable webhook per dealer … a WeCom/DingTalk robot webhook is the usual
// target"): a dealer manager sets the address in the console, a refused one shows the
// collector's reason and keeps what was typed, and a detractor's new case then reaches a
// real local receiver in the WeCom robot's shape, exactly once although it fails the first
// two attempts. Removing it is one button. An agent
// is not offered the page; axe finds nothing on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, newPage, addUser, signInOnPage, until } from './support.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DESK = { width: 1366, height: 768 };
const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

let collector;
let browser;
let receiver;
const seen = [];
before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      // Fails the first two attempts of each notification, takes the third.
      const key = req.headers['idempotency-key'];
      const before = seen.filter((x) => x.key === key).length;
      const status = before < 2 ? 500 : 200;
      seen.push({ key, status, body: JSON.parse(body || 'null') });
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(status === 200 ? '{"errcode":0}' : '{"errcode":1}');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  collector = await startCollector({ args: ['--webhook-retry-ms', '50'] });
  addUser(collector, 'mgr-w', 'dealer-manager', ['D001']);
  addUser(collector, 'agent-w', 'follow-up-agent', ['D001']);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); receiver?.close(); });

async function axe(page) {
  await page.evaluate(AXE);
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A detractor's post-service response for D001, posted as the widget does. */
async function postDetractor() {
  const def = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));
  const answers = {};
  for (const p of def.pages) {
    for (const q of p.questions) {
      if (!q.required) continue;
      const t = q.input.type;
      answers[q.id] = t === 'rating' ? { scale: 4 } : t === 'yes_no' ? { yes_no: true } : t === 'nps' ? { scale: 2 } : { text: 'ok' };
    }
  }
  const body = {
    format: 'survey-response/1', id: crypto.randomUUID(), survey: { id: 'post-service', version: def.version },
    locale: 'zh-CN', created_at: new Date().toISOString(), context: { dealer: 'D001' }, answers,
    client: { widget_version: '0.1.0', mode: 'page' },
  };
  const r = await fetch(`${collector.url}/v1/responses`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 201, await r.text());
}

test('a manager sets the WeCom robot in the console and a new case reaches it', async () => {
  const page = await newPage(browser, DESK, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await signInOnPage(page, collector, 'mgr-w', '/console');
  await page.getByRole('link', { name: '通知' }).click();
  await page.getByRole('heading', { name: '新工单和升级通知' }).waitFor();
  await page.getByText('尚未设置').waitFor();

  // Refused by the collector: its reason shows, the address stays to fix.
  // (A URL the browser's own check lets through: the collector takes http(s) only.)
  await page.getByRole('textbox', { name: '推送地址' }).fill('ftp://robot.example/send');
  await page.getByRole('button', { name: '保存' }).click();
  await page.locator('#wh-result[role=alert]').filter({ hasText: 'https://' }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: '推送地址' }).inputValue(), 'ftp://robot.example/send');

  const url = `http://127.0.0.1:${receiver.address().port}/robot/send?key=test`;
  await page.getByRole('textbox', { name: '推送地址' }).fill(url);
  await page.getByLabel('格式').selectOption('wecom');
  await page.getByRole('button', { name: '保存' }).click();
  await page.locator('[data-webhook="wecom"]').waitFor();
  assert.match(await page.locator('[data-webhook="wecom"]').innerText(), /企业微信群机器人/);
  assert.deepEqual(await axe(page), [], 'axe with a webhook set');
  await page.screenshot({ path: join(ARTIFACTS, 'console-webhook-zh-CN-1366x768.png'), fullPage: true });

  await postDetractor();
  // Two refusals, then taken: exactly one notification of the new case is accepted,
  // every attempt with the same idempotency key and the same body.
  await until(() => seen.some((x) => x.status === 200), 'the robot takes the new case', 30000);
  await new Promise((r) => setTimeout(r, 1500)); // nothing more may come
  const taken = seen.filter((x) => x.status === 200);
  assert.equal(taken.length, 1, JSON.stringify(seen.map((x) => [x.key, x.status])));
  assert.equal(seen.length, 3, 'two failed attempts and the one taken');
  assert.ok(seen.every((x) => x.key === taken[0].key && JSON.stringify(x.body) === JSON.stringify(taken[0].body)));
  assert.equal(taken[0].body.msgtype, 'markdown');
  assert.match(taken[0].body.markdown.content, /D001/);
  assert.match(taken[0].key, /:open$/);

  await page.getByRole('button', { name: '删除推送' }).click();
  await page.getByText('尚未设置').waitFor();
  // The same page in English, with nothing set: axe again.
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('heading', { name: 'New-case and escalation notifications' }).waitFor();
  assert.equal(await page.locator('#wh-result').innerText(), 'Removed; queued notifications are sent once an address is set again.',
    'the done line follows the language chosen after it');
  assert.deepEqual(await axe(page), [], 'axe in English with nothing set');
  await page.screenshot({ path: join(ARTIFACTS, 'console-webhook-en-1366x768.png'), fullPage: true });
  await page.context().close();
});

test('an agent is not offered the notifications page', async () => {
  const page = await newPage(browser, DESK, { locale: 'en-US' });
  await signInOnPage(page, collector, 'agent-w', '/console');
  await page.getByRole('navigation').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Notifications' }).count(), 0);
  await page.context().close();
});
