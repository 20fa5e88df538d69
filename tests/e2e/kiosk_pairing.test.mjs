// Issue 14: a kiosk tablet paired with a device key (collector/src/kiosks.rs). Staff
// open the pairing address `collector kiosk add` prints once; the key leaves the
// address bar, stays on the tablet through every reset, is sent with each response,
// and the collector stores the response verified with the key's dealer and station.
// A revoked key still delivers the response (unverified) and the staff menu says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { COLLECTOR, startCollector, launchBrowser, newPage, completeSurvey } from './support.mjs';

const KIOSK = { width: 1280, height: 800 };
let collector;
let browser;
before(async () => { collector = await startCollector(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await collector?.stop(); });

const kioskCli = (...args) => execFileSync(COLLECTOR, ['kiosk', ...args, '--db', collector.db], { encoding: 'utf8' });

async function openStaffMenu(page) {
  await page.getByRole('button', { name: '工作人员 · Staff' }).click();
  await page.getByLabel('PIN').fill('2468');
  await page.getByRole('button', { name: 'OK' }).click();
  return page.locator('.sw-staff-paired');
}

async function answerOne(page) {
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  const before = collector.rows().length;
  await completeSurvey(page, 'last', page);
  await page.locator('.sw-done').waitFor();
  for (let i = 0; i < 100 && collector.rows().length === before; i++) await page.waitForTimeout(50);
  assert.equal(collector.rows().length, before + 1, 'the response reached the collector');
  return collector.rows().at(-1);
}

test('a paired kiosk tablet: verified with its station, paired through resets and reloads, told when its key is revoked', async () => {
  const added = kioskCli('add', '--dealer', 'D001', '--station', 'LOUNGE-1', '--label', 'e2e');
  const key = added.match(/key: (kiosk_\S+)/)?.[1];
  const id = added.match(/^kiosk (\S+)/)?.[1];
  const pair = added.match(/open (\/static\/kiosk\.html\?\S+)/)?.[1];
  assert.ok(key && id && pair, added);

  const page = await newPage(browser, KIOSK, { locale: 'zh-CN' });
  await page.clock.install();
  // The page's own address says another dealer: the key decides.
  await page.goto(`${collector.url}${pair}&dealer=D009`);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  assert.ok(!page.url().includes('device_key') && !page.url().includes(key), `out of the address bar: ${page.url()}`);
  assert.ok(page.url().includes('dealer=D009'), 'the rest of the address is kept');

  const row = await answerOne(page);
  assert.equal(row.verified, 1, 'stored verified');
  assert.equal(row.dealer, 'D001');
  assert.equal(row.kiosk, id);
  assert.equal(JSON.parse(row.context).station, 'LOUNGE-1');
  assert.ok(!collector.log.join('').includes(key), 'the key is never logged');

  // The reset after the thank-you keeps the pairing (device configuration).
  await page.clock.runFor(9_000);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('survey-widget:kiosk-device')), key);
  const paired = await openStaffMenu(page);
  assert.equal(await paired.innerText(), '已配对 · Paired: LOUNGE-1');
  assert.ok(!(await page.locator('body').innerText()).includes(key), 'the staff menu never shows the key');
  await page.getByRole('button', { name: '关闭 · Close' }).click();

  // A reload (the tablet restarted) without the pairing address: still paired. The key
  // is revoked meanwhile: the next response is kept, unverified, and staff are told.
  kioskCli('revoke', id);
  await page.goto(`${collector.url}/static/kiosk.html`);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  const after = await answerOne(page);
  assert.equal(after.verified, 0, 'a revoked key: stored, unverified');
  assert.equal(after.kiosk, null);
  await page.clock.runFor(9_000);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  const told = await openStaffMenu(page);
  assert.match(await told.innerText(), /^已配对 · Paired: LOUNGE-1 — 密钥未被接受.*ask the manager for a new one$/);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('an unpaired kiosk says so in the staff menu and sends no key', async () => {
  const page = await newPage(browser, KIOSK, { locale: 'zh-CN' });
  await page.goto(`${collector.url}/static/kiosk.html?dealer=D002`);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  assert.equal(await (await openStaffMenu(page)).innerText(), '未配对 · Not paired');
  await page.getByRole('button', { name: '关闭 · Close' }).click();
  const row = await answerOne(page);
  assert.equal(row.dealer, 'D002');
  assert.equal(row.verified, 0);
  await page.context().close();
});
