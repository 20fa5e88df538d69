// The dealer page (static/qr.html): a dealer fills in the visit, gets the survey link
// as text and as a QR code from the collector, copies it and prints the card; bad
// input shows inline messages and no code. Runs under the collector's CSP header and
// the page's own stricter meta CSP, and asserts that nothing was blocked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, PHONE, DESKTOP, startCollector, launchBrowser, newPage } from './support.mjs';

const ARTIFACTS = join(ROOT, 'tests', 'e2e', 'artifacts');
const VISIT = {
  dealer: 'D001', name: '东方汽车 4S 店', ro: 'RO-2026-1182', advisor: 'A07',
  visit: '2026-11-20', token: 'tkn.AbC-123_x',
};

let collector;
let browser;
before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  collector = await startCollector();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** Opens the dealer page, recording CSP violations from the first script on. */
async function openQrPage(viewport, options = {}, initScript = null) {
  const page = await newPage(browser, viewport, options);
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`);
    });
    window.printCalls = 0;
    window.print = () => { window.printCalls += 1; };
  });
  if (initScript) await page.addInitScript(initScript);
  const response = await page.goto(`${collector.url}/static/qr.html`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'] ?? '', /frame-ancestors 'self'/);
  assert.equal(response.headers()['referrer-policy'], 'no-referrer');
  await page.locator('#qr-form').waitFor();
  return page;
}

/** No console errors, failed scripts, or CSP violations on the page so far. */
async function assertClean(page) {
  assert.deepEqual(page.consoleErrors, []);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
}

async function fill(page, v = VISIT) {
  await page.getByLabel('经销商代码').fill(v.dealer);
  await page.getByLabel('经销商名称').fill(v.name);
  await page.getByLabel('工单号').fill(v.ro);
  await page.getByLabel('服务顾问').fill(v.advisor);
  await page.getByLabel('到店日期').fill(v.visit);
  await page.getByLabel('一次性验证码').fill(v.token);
}

function expectedLink(v = VISIT, survey = 'post-service', lang = 'zh-CN') {
  const q = new URLSearchParams({ survey, dealer: v.dealer, ro: v.ro, advisor: v.advisor, visit: v.visit, lang });
  if (v.token) q.set('token', v.token);
  return `${collector.url}/?${q}`;
}

async function waitForQr(page) {
  await page.waitForFunction(() => {
    const img = document.getElementById('qr-img');
    return img.complete && img.naturalWidth > 0;
  });
}

test('a dealer makes the QR code of a visit on a phone', async () => {
  const page = await openQrPage(PHONE);
  // The date defaults to today in the browser's zone; the result stays hidden until asked.
  const today = await page.evaluate(() => new Date().toLocaleDateString('sv-SE'));
  assert.equal(await page.getByLabel('到店日期').inputValue(), today);
  assert.equal(await page.locator('#result').isVisible(), false);

  await fill(page);
  await page.getByRole('button', { name: '生成二维码' }).click();
  await page.locator('#result').waitFor();

  const link = expectedLink();
  assert.equal(link, `${collector.url}/?survey=post-service&dealer=D001&ro=RO-2026-1182&advisor=A07&visit=2026-11-20&lang=zh-CN&token=tkn.AbC-123_x`);
  assert.equal(await page.locator('#link-text').textContent(), link);
  await waitForQr(page);
  const img = page.locator('#qr-img');
  const src = await img.getAttribute('src');
  assert.equal(src, `/v1/qr.svg?${new URLSearchParams({ data: link })}`);
  assert.equal(new URL(src, collector.url).searchParams.get('data'), link);
  assert.equal(await img.getAttribute('alt'), `问卷链接二维码 · QR code for the survey link ${link}`);
  assert.equal(await page.locator('#card-dealer').textContent(), '东方汽车 4S 店 · D001');
  assert.equal(await page.locator('#card-ro').textContent(), 'RO-2026-1182');
  // Focus moves to the result, so a screen reader hears it and the phone scrolls to it.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'result-title');
  // Served on 127.0.0.1: the page warns that customers' phones cannot open the link.
  assert.equal(await page.locator('#local-notice').isVisible(), true);

  const svg = await fetch(collector.url + src);
  assert.equal(svg.status, 200);
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  assert.equal(svg.headers.get('cache-control'), 'no-store');
  const text = await svg.text();
  assert.match(text, /^<\?xml [^>]*\?><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(text, /<\/svg>$/);
  assert.doesNotMatch(text, /D001|script/);

  // Phone layout: nothing wider than the screen, even at 320px; every control 44px.
  for (const width of [PHONE.width, 320]) {
    await page.setViewportSize({ width, height: PHONE.height });
    assert.ok(await page.evaluate((w) => document.documentElement.scrollWidth <= w, width), `overflow at ${width}px`);
  }
  await page.setViewportSize(PHONE);
  const small = await page.evaluate(() => [...document.querySelectorAll('input, select, button')]
    .filter((el) => el.getClientRects().length)
    .filter((el) => { const r = el.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
    .map((el) => el.id));
  assert.deepEqual(small, []);
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select')]
    .filter((el) => !el.labels?.length).map((el) => el.id));
  assert.deepEqual(unlabelled, []);

  await page.screenshot({ path: join(ARTIFACTS, 'qr-phone.png') });
  await page.screenshot({ path: join(ARTIFACTS, 'qr-phone-full.png'), fullPage: true });
  await assertClean(page);
  await page.context().close();
});

test('invalid input shows inline messages and no QR code', async () => {
  const page = await openQrPage(PHONE);
  await fill(page, { ...VISIT, dealer: '<b>', advisor: 'x'.repeat(129), ro: '' });
  await page.getByRole('button', { name: '生成二维码' }).click();

  const dealer = page.getByLabel('经销商代码');
  assert.equal(await dealer.getAttribute('aria-invalid'), 'true');
  assert.match(await dealer.getAttribute('aria-describedby'), /\bdealer-error\b/);
  assert.equal(await page.locator('#dealer-error').textContent(), '只能包含字母、数字及 - _ . / : 这几个符号。 Letters, digits and - _ . / : only.');
  assert.equal(await page.locator('#ro-error').textContent(), '必填。 Required.');
  assert.match(await page.locator('#advisor-error').textContent(), /At most 128 characters; this has 129\./);
  assert.equal(await page.locator('#token-error').isVisible(), false);
  assert.match(await page.locator('#form-status').textContent(), /correct the 3 fields/);
  // The first field at fault has focus; the typed markup stayed text.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'dealer');
  assert.equal(await page.locator('b').count(), 0);
  assert.equal(await page.locator('#result').isVisible(), false);
  assert.equal(await page.locator('#qr-img').getAttribute('src'), null);
  await page.screenshot({ path: join(ARTIFACTS, 'qr-phone-errors.png') });

  // A message clears as the field is corrected; a future visit or a bad token is refused.
  await dealer.fill('D001');
  assert.equal(await page.locator('#dealer-error').isVisible(), false);
  assert.equal(await dealer.getAttribute('aria-invalid'), null);
  await page.getByLabel('工单号').fill('RO-1');
  await page.getByLabel('服务顾问').fill('王伟');
  await page.getByLabel('到店日期').fill('2999-01-01');
  await page.getByLabel('一次性验证码').fill('a b');
  await page.getByRole('button', { name: '生成二维码' }).click();
  assert.equal(await page.locator('#visit-error').textContent(), '到店日期不能晚于今天。 The visit cannot be later than today.');
  assert.match(await page.locator('#token-error').textContent(), /Letters, digits/);
  assert.equal(await page.locator('#advisor-error').isVisible(), false, 'letters of any script are fine');
  assert.equal(await page.locator('#result').isVisible(), false);

  // Fixed: the code appears; changing a field afterwards hides it (no stale print).
  await page.getByLabel('到店日期').fill('2026-11-01');
  await page.locator('#token-new').click();
  const token = await page.getByLabel('一次性验证码').inputValue();
  assert.match(token, /^[A-Za-z0-9_-]{22}$/);
  await page.getByLabel('问卷语言').selectOption('en');
  await page.locator('#survey').selectOption('post-call');
  await page.getByRole('button', { name: '生成二维码' }).click();
  await waitForQr(page);
  const link = expectedLink({ ...VISIT, ro: 'RO-1', advisor: '王伟', visit: '2026-11-01', token }, 'post-call', 'en');
  assert.equal(await page.locator('#link-text').textContent(), link);
  assert.match(link, /advisor=%E7%8E%8B%E4%BC%9F/);
  await page.getByLabel('工单号').fill('RO-2');
  assert.equal(await page.locator('#result').isVisible(), false);
  await assertClean(page);
  await page.context().close();
});

test('copy, print, and the printed card on a desktop', async () => {
  const page = await openQrPage(DESKTOP, { permissions: ['clipboard-read', 'clipboard-write'] });
  await fill(page);
  await page.getByRole('button', { name: '生成二维码' }).click();
  await waitForQr(page);
  // Clicking the button scrolled it into view; the whole page from the top is clearer.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, 'qr-desktop.png'), fullPage: true });

  await page.getByRole('button', { name: '复制链接' }).click();
  await page.locator('#copy-status', { hasText: '已复制链接' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expectedLink());

  await page.getByRole('button', { name: '打印' }).click();
  assert.equal(await page.evaluate(() => window.printCalls), 1);
  await page.emulateMedia({ media: 'print' });
  for (const hidden of ['h1', '#qr-form', '#result-title', '#link-text', '#copy', '#print']) {
    assert.equal(await page.locator(hidden).isVisible(), false, `${hidden} is printed`);
  }
  for (const shown of ['#qr-img', '.qr-caption', '#card-dealer', '#card-ro']) {
    assert.equal(await page.locator(shown).isVisible(), true, `${shown} is not printed`);
  }
  assert.equal(await page.locator('.qr-caption').innerText(), '扫码评价本次服务\nScan to rate your service');
  await page.screenshot({ path: join(ARTIFACTS, 'qr-print.png') });
  await assertClean(page);
  await page.context().close();
});

test('without a clipboard the link is selected for copying by hand', async () => {
  const page = await openQrPage(PHONE, {}, () => {
    Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });
  });
  await fill(page);
  await page.getByRole('button', { name: '生成二维码' }).click();
  await page.getByRole('button', { name: '复制链接' }).click();
  await page.locator('#copy-status', { hasText: 'Could not copy automatically' }).waitFor();
  assert.equal(await page.evaluate(() => String(window.getSelection())), expectedLink());
  await assertClean(page);
  await page.context().close();
});

test('the link opens the survey under the collector CSP header', async () => {
  const page = await openQrPage(PHONE);
  await fill(page);
  await page.getByRole('button', { name: '生成二维码' }).click();
  const link = await page.locator('#link-text').textContent();
  const response = await page.goto(link);
  assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
  await page.locator('.sw-page-title').first().waitFor({ timeout: 15000 });
  await assertClean(page);
  await page.context().close();
});
