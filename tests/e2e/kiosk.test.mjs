// Kiosk mode on a 1280x800 tablet: welcome, one customer after another, reset after
// the thank-you and after idling (with a countdown), nothing of the previous customer
// left in the DOM or in storage, and a staff menu behind the PIN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, newPage, completeSurvey, answerPageWithFirstOptions, widgetRunning } from './support.mjs';

const KIOSK = { width: 1280, height: 800 };
const SECRET = 'kiosk-customer-remark-7731';
let collector;
let browser;
before(async () => { collector = await startCollector(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await collector?.stop(); });

async function kioskPage() {
  const page = await newPage(browser, KIOSK, { locale: 'zh-CN' });
  await page.clock.install();
  await page.goto(`${collector.url}/static/kiosk.html`);
  // The kiosk itself, not the welcome the collector prerendered (kiosk_first_page.test.mjs):
  // the clock these tests move is the widget's.
  await widgetRunning(page);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  return page;
}

/** Everything a next customer could find: the DOM text and values, and both storages. */
async function traces(page) {
  return page.evaluate(() => {
    const values = [...document.querySelectorAll('input, textarea')].map((e) => `${e.value}|${e.checked}`);
    return [document.body.innerText, values.join(','), JSON.stringify({ ...sessionStorage }), JSON.stringify({ ...localStorage })].join('\n');
  });
}

test('after the thank-you the kiosk returns to the welcome screen with no trace of the customer', async () => {
  const page = await kioskPage();
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/kiosk-welcome.png') });
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/kiosk-survey.png') });
  const before = collector.rows().length;
  await completeSurvey(page, 'last', page, { comment: SECRET });
  await page.locator('.sw-done').waitFor();
  await page.getByText(/秒后返回首页/).waitFor();
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/kiosk-thanks.png') });
  assert.equal(collector.rows().length, before + 1);
  assert.ok(collector.rows().at(-1).answers.includes(SECRET));
  await page.clock.runFor(9_000);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  assert.equal(await page.locator('.sw-done, .sw-q').count(), 0);
  const left = await traces(page);
  assert.ok(!left.includes(SECRET), 'the remark is gone from the DOM and storage');
  assert.ok(!left.includes('|true'), 'nothing is ticked');
  // The next customer starts from page 1 with nothing answered.
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  assert.equal(await page.locator('.sw-progress-label').innerText(), '第 1 页，共 10 页');
  assert.equal(await page.locator('input:checked').count(), 0);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('an idle kiosk counts down, can be kept, then resets and forgets the answers', async () => {
  const page = await kioskPage();
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  await page.locator('label.sw-choice').first().click();
  await page.clock.runFor(75_000);
  const idle = page.getByRole('alertdialog');
  await idle.getByText('您还在吗？').waitFor();
  const left = Number((await idle.innerText()).match(/(\d+) 秒后将重新开始/)?.[1]);
  assert.ok(left > 0 && left <= 20, `a countdown within the last 20 s, saw ${left}`);
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/kiosk-idle.png') });
  await idle.getByRole('button', { name: '继续填写' }).click();
  assert.equal(await idle.count(), 0, 'keeping on hides the countdown');
  assert.equal(await page.locator('input:checked').count(), 1, 'the answer is still there');
  await page.clock.runFor(91_000);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  assert.equal(await page.locator('input:checked').count(), 0, 'the abandoned answer is gone');
  await page.context().close();
});

test('the staff menu needs the PIN and can reset the kiosk', async () => {
  const page = await kioskPage();
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  await page.getByRole('button', { name: '工作人员 · Staff' }).click();
  await page.getByLabel('PIN').fill('1111');
  await page.getByRole('button', { name: 'OK' }).click();
  await page.getByText('PIN 不正确 · Wrong PIN').waitFor();
  assert.equal(await page.getByRole('button', { name: '立即重置 · Reset now' }).count(), 0);
  await page.getByLabel('PIN').fill('2468');
  await page.getByRole('button', { name: 'OK' }).click();
  await page.getByRole('button', { name: '立即重置 · Reset now' }).click();
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  await page.context().close();
});

test('"keep going" is a tap of its own: the idle banner goes on its click, and nothing under it is touched', async () => {
  const page = await newPage(browser, KIOSK, { locale: 'zh-CN', hasTouch: true });
  await page.clock.install();
  await page.goto(`${collector.url}/static/kiosk.html`);
  await widgetRunning(page);
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  await page.clock.runFor(75_000);
  const idle = page.getByRole('alertdialog');
  await idle.getByText('您还在吗？').waitFor();
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/kiosk-keep-going-before-tap.png') });
  const state = () => page.evaluate(() => [
    [...document.querySelectorAll('input')].filter((i) => i.checked).map((i) => i.id).join(','),
    [...document.querySelectorAll('.sw-field-error')].map((e) => e.textContent).join(''),
    document.querySelector('.sw-progress-label')?.textContent,
  ].join('|'));
  const before = await state();
  const box = await idle.getByRole('button', { name: '继续填写' }).boundingBox();
  await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/kiosk-keep-going-after-tap.png') });
  assert.equal(await idle.count(), 0, 'the tap kept the survey going');
  assert.equal(await state(), before, 'the tap did not land on what was under the banner');
  await page.context().close();
});

test('the staff button never covers an answer, at any scroll position, on any page', async (t) => {
  const page = await kioskPage();
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  const overlaps = () => page.evaluate(() => {
    const staff = document.querySelector('.sw-staff-btn').getBoundingClientRect();
    const hit = [];
    const max = document.documentElement.scrollHeight - innerHeight;
    for (let y = 0; y <= max + 20; y += 20) {
      scrollTo(0, Math.min(y, max));
      const s = document.querySelector('.sw-staff-btn').getBoundingClientRect();
      for (const el of document.querySelectorAll('.sw-choice, .sw-btn, textarea, input:not([type=radio]):not([type=checkbox])')) {
        const r = el.getBoundingClientRect();
        if (r.width && r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom) {
          hit.push(`${el.className || el.tagName} at scroll ${Math.min(y, max)}`);
        }
      }
    }
    scrollTo(0, 0);
    return { hit, staff: `${staff.width}x${staff.height}` };
  });
  let pages = 0;
  for (let i = 0; i < 12; i++) {
    const { hit, staff } = await overlaps();
    assert.deepEqual(hit, [], `the staff button (${staff}) covers answers on page ${i + 1}`);
    pages++;
    if (!(await answerPageWithFirstOptions(page, {}, { pick: 'last' }))) break;
    await page.locator('.sw-page-title, .sw-done').first().waitFor();
  }
  t.diagnostic(`${pages} screens checked at 1280x800, every 20 px of scroll`);
  await page.context().close();
});

test('"Exit kiosk mode" in the staff menu leaves kiosk mode on static/kiosk.html', async () => {
  const page = await kioskPage();
  await page.getByRole('button', { name: '工作人员 · Staff' }).click();
  await page.getByLabel('PIN').fill('2468');
  await page.getByRole('button', { name: 'OK' }).click();
  await page.getByRole('button', { name: '退出自助模式 · Exit kiosk mode' }).click();
  await page.locator('.sw-page-title').waitFor({ timeout: 5000 });
  assert.equal(await page.locator('.sw-kiosk, .sw-kiosk-start, .sw-staff-btn').count(), 0);
  assert.equal(await page.locator('.sw-progress-label').innerText(), '第 1 页，共 10 页');
  await page.context().close();
});

// issue 14 (kiosk residue): a response the endpoint refuses for good (4xx) is counted
// for the staff and, at the next reset, removed from localStorage and IndexedDB:
// nothing of the customer (phone, comment) stays on the lounge tablet.
// In two clean-clone CI runs (2026-12-04) this test hung inside the whole suite; alone and
// with its file it passed. It walked the pages with its own loop of positional clicks
// (which a follow-up question appearing shifts); it now walks them with the suite's one
// helper, and reports each step it reached, so a slow run shows where it stood.
test('issue 14: a refused response leaves nothing of the customer after the reset, and staff see the count', { timeout: 90000 }, async (t) => {
  const t0 = Date.now();
  const step = (what) => t.diagnostic(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
  const PHONE_NO = '13912345678';
  const page = await kioskPage();
  await page.route('**/v1/responses', (route) => (route.request().method() === 'POST'
    ? route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"answers.x: unknown question"}' })
    : route.continue()));
  await page.getByRole('button', { name: '开始评价' }).click();
  await page.locator('.sw-page-title').waitFor();
  step('started');
  let gaveContact = false;
  for (let i = 0; i < 30; i++) {
    const consent = page.locator('.sw-contact input[type=checkbox]');
    if ((await consent.count()) && !(await consent.isChecked())) {
      await consent.check();
      // Purpose and retention are stated with the consent box (issue 14 privacy).
      const purpose = page.locator('.sw-purpose');
      assert.equal(await purpose.innerText(), '您的联系方式仅用于就本次反馈联系您，180 天后删除。');
      assert.ok((await consent.getAttribute('aria-describedby')).split(' ').includes(await purpose.getAttribute('id')));
      await page.locator('.sw-contact input[type=tel]').fill(PHONE_NO);
      gaveContact = true;
    }
    const label = await page.locator('.sw-progress-label').innerText({ timeout: 2000 }).catch(() => '');
    if (!(await answerPageWithFirstOptions(page, { comment: SECRET }))) break;
    step(`answered ${label}`);
    await page.locator('.sw-page-title, .sw-done').first().waitFor();
  }
  assert.ok(gaveContact, 'the contact question was answered');
  await page.locator('.sw-done').waitFor();
  step('thank-you shown');
  const stored = async () => page.evaluate(async () => {
    const idb = await new Promise((resolve) => {
      const open = indexedDB.open('survey-widget');
      open.onerror = () => resolve('');
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('journal')) { db.close(); resolve(''); return; }
        const all = db.transaction('journal').objectStore('journal').getAll();
        all.onsuccess = () => { db.close(); resolve(JSON.stringify(all.result)); };
        all.onerror = () => { db.close(); resolve(''); };
      };
    });
    return { local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }), idb };
  });
  // Refused and kept aside until the reset (the outbox reports it; it is not retried).
  await page.waitForTimeout(500);
  assert.ok((await stored()).local.includes(SECRET), 'before the reset the refused response is still on the device');
  step('refused response kept until the reset');
  await page.clock.runFor(9_000);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  step('reset to the welcome screen');
  await page.waitForTimeout(300);
  const left = await stored();
  step('storage read');
  for (const secret of [SECRET, PHONE_NO]) {
    assert.ok(!left.local.includes(secret), `localStorage still holds ${secret}: ${left.local}`);
    assert.ok(!left.session.includes(secret), `sessionStorage still holds ${secret}`);
    assert.ok(!left.idb.includes(secret), `IndexedDB still holds ${secret}: ${left.idb}`);
  }
  await page.getByRole('button', { name: '工作人员 · Staff' }).click();
  await page.getByLabel('PIN').fill('2468');
  await page.getByRole('button', { name: 'OK' }).click();
  assert.equal(await page.locator('.sw-staff-refused').innerText(), '被拒收的回答 · Refused responses: 1');
  await page.context().close();
});
