// The console's kiosk page (issue 14: "a kiosk is bound to its dealer by a device key
// issued in the console"): a dealer manager issues a key, reads it once with the
// address that pairs the tablet, pairs a lounge tablet with that address, and the
// tablet's response is stored verified with its station; revoking it in the console
// makes the next one unverified. An advisor is not offered the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, COLLECTOR, PASSWORD, startCollector, launchBrowser, newPage, addUser, signInOnPage, completeSurvey } from './support.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const DESK = { width: 1366, height: 768 };
const KIOSK = { width: 1280, height: 800 };

let collector;
let browser;
before(async () => {
  collector = await startCollector();
  addUser(collector, 'mgr-d001', 'dealer-manager', ['D001']);
  execFileSync(COLLECTOR, ['user', 'add', '--login', 'adv-d001', '--role', 'service-advisor', '--dealers', 'D001',
    '--advisor', 'A07', '--password-stdin', '--db', collector.db], { input: `${PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
  addUser(collector, 'agent-d001', 'follow-up-agent', ['D001']);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); });

async function axe(page) {
  await page.evaluate(AXE);
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A lounge customer answers once on the kiosk page; resolves to the stored row. */
async function answerOnKiosk(page) {
  const before = collector.rows().length;
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  await completeSurvey(page, 'last', page);
  for (let i = 0; i < 100 && collector.rows().length === before; i++) await page.waitForTimeout(100);
  const rows = collector.rows();
  assert.equal(rows.length, before + 1, 'one row stored');
  return rows.at(-1);
}

test('a manager issues a kiosk key in the console, pairs a tablet with it, and revokes it', async () => {
  const page = await newPage(browser, DESK, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', bypassCSP: true });
  await signInOnPage(page, collector, 'mgr-d001', '/console');
  await page.getByRole('link', { name: '自助终端' }).click();
  await page.getByRole('heading', { name: '休息区自助终端' }).waitFor();
  await page.getByText('还没有终端。').waitFor();

  // A station the context rule refuses: the reason shows, what was typed stays.
  await page.getByLabel('工位').fill('LOUNGE 2');
  await page.getByRole('button', { name: '生成设备密钥' }).click();
  await page.locator('.c-form-error').filter({ hasText: 'station' }).waitFor();
  assert.equal(await page.getByLabel('工位').inputValue(), 'LOUNGE 2');

  // Keyboard alone: the station, the note, Enter.
  await page.getByLabel('工位').fill('LOUNGE-2');
  await page.getByLabel('备注（可选）').focus();
  await page.keyboard.type('窗边那台');
  await page.keyboard.press('Enter');
  const box = page.locator('.c-issued');
  await box.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('c-issued')), true, 'the key box has the focus');
  const key = await box.locator('[data-device-key]').innerText();
  const address = await box.locator('[data-pair-address]').innerText();
  assert.match(key, /^kiosk_[A-Za-z0-9_-]{43}$/);
  assert.ok(address.startsWith(`${collector.url}/static/kiosk.html?device_key=${key}&station=LOUNGE-2`), address);
  assert.equal(await page.getByLabel('工位').inputValue(), '', 'the form is emptied once the key exists');
  const row = page.locator('[data-table="kiosks"] tbody tr').filter({ hasText: 'LOUNGE-2' });
  await row.filter({ hasText: '使用中' }).waitFor();
  assert.match(await row.innerText(), /D001/);
  assert.match(await row.innerText(), /窗边那台/);
  assert.deepEqual(await axe(page), [], 'axe with the key shown (zh-CN)');
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/console-kiosks-zh-CN-1366x768.png'), fullPage: true });

  // The tablet: the pairing address once, then a customer.
  const tablet = await newPage(browser, KIOSK, { locale: 'zh-CN' });
  await tablet.goto(address);
  await tablet.getByRole('button', { name: '开始评价' }).waitFor();
  const paired = await answerOnKiosk(tablet);
  assert.equal(paired.verified, 1, 'stored verified');
  assert.equal(paired.dealer, 'D001');
  assert.equal(JSON.parse(paired.context).station, 'LOUNGE-2');

  // The key is gone from the page once closed, and never listed.
  await box.getByRole('button', { name: '已配对，关闭' }).click();
  assert.equal(await page.locator('.c-issued').count(), 0);
  assert.ok(!(await page.locator('body').innerText()).includes(key), 'the list never shows the key');

  // Revoking asks first; Cancel leaves it live.
  await row.getByRole('button', { name: '撤销 LOUNGE-2' }).click();
  await row.getByRole('button', { name: '取消' }).click();
  await row.filter({ hasText: '使用中' }).waitFor();
  await row.getByRole('button', { name: '撤销 LOUNGE-2' }).click();
  await row.getByRole('button', { name: '确定撤销' }).click();
  await row.filter({ hasText: '已撤销' }).waitFor();
  assert.equal(await row.getByRole('button').count(), 0, 'a revoked kiosk has nothing left to do');

  // The tablet's next customer is kept, unverified.
  await tablet.clock.install();
  await tablet.reload();
  await tablet.getByRole('button', { name: '开始评价' }).waitFor();
  const after = await answerOnKiosk(tablet);
  assert.equal(after.verified, 0, 'revoked: stored, unverified');

  // English, and axe again.
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('heading', { name: 'Lounge kiosks' }).waitFor();
  assert.deepEqual(await axe(page), [], 'axe (en)');
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/console-kiosks-en-1366x768.png'), fullPage: true });
  assert.deepEqual(page.consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), []);
  await tablet.context().close();
  await page.context().close();
});

test('an advisor and a follow-up agent are not offered the kiosk page', async () => {
  for (const login of ['adv-d001', 'agent-d001']) {
    const page = await newPage(browser, DESK, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await signInOnPage(page, collector, login, '/console');
    await page.getByRole('heading', { name: '概览' }).waitFor();
    assert.equal(await page.getByRole('link', { name: '自助终端' }).count(), 0, login);
    // Typing the page's address shows the overview, not the kiosk page.
    await page.goto(`${collector.url}/console#kiosks`);
    await page.getByRole('heading', { name: '概览' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: '休息区自助终端' }).count(), 0, login);
    await page.context().close();
  }
});
