// Accessibility: axe-core on every page of both built-in templates in zh-CN, zh-TW and
// en at phone and kiosk sizes, on the QR page, the embedded widget (inside its shadow
// root) and the kiosk; zero violations of any impact. A keyboard-only run completes a
// survey with Tab / arrows / Space / Enter, with focus visible and moved to each new
// page's heading. And a deliberately broken label in a fixture must fail the check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { PHONE, startCollector, launchBrowser, makeSite, hostPage, answerPageWithFirstOptions, addUser, PASSWORD } from './support.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const KIOSK = { width: 1280, height: 800 };

let site;
let collector;
let browser;
before(async () => {
  // A definition cannot carry an empty label (loading refuses it), so the broken label
  // is made in the DOM of this fixture survey, in the test below.
  const fixture = readFileSync(new URL('./fixtures/dealer-express.json', import.meta.url), 'utf8');
  site = makeSite({
    'post-call.html': hostPage({ survey: 'post-call', endpoint: '/v1/responses' }),
    'surveys/broken-label.json': fixture,
    'broken-label.html': hostPage({ definition: 'surveys/broken-label.json', endpoint: '/v1/responses' }),
    'static/embedded.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dealer</title>
      <meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main><h1>Dealer site</h1>
      <script src="survey-widget.js" data-survey="post-service" data-endpoint="/v1/responses" data-locale="en"></script>
      </main></body></html>`,
  });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

/** Runs axe on the page (open shadow roots included) and returns readable violations. */
async function audit(page, where) {
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function open(viewport, url) {
  // axe is injected as a script; the CSP itself is tested in embed.test.mjs.
  const context = await browser.newContext({ viewport, bypassCSP: true, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('.sw-page-title, .sw-error-box, .sw-kiosk-start, form').first().waitFor();
  return page;
}

for (const [survey, path] of [['post-service', '/'], ['post-call', '/post-call.html']]) {
  for (const lang of ['zh-CN', 'zh-TW', 'en']) {
    for (const [size, viewport] of [['360x740', PHONE], ['1280x800', KIOSK]]) {
      test(`axe: every page of ${survey} in ${lang} at ${size}`, async () => {
        const page = await open(viewport, `${collector.url}${path}?lang=${lang}`);
        const violations = [];
        // An error state too: press next on an empty first page.
        await page.locator('.sw-btn-primary').click();
        await page.locator('.sw-field-error:not(:empty)').first().waitFor();
        violations.push(...(await audit(page, 'errors')));
        for (let n = 1; n < 20; n++) {
          violations.push(...(await audit(page, `page ${n}`)));
          if (!(await answerPageWithFirstOptions(page, {}, { pick: 'last' }))) break;
        }
        await page.locator('.sw-done').waitFor();
        violations.push(...(await audit(page, 'thank-you')));
        assert.deepEqual(violations, []);
        await page.context().close();
      });
    }
  }
}

test('axe: the sign-in page and the QR page behind it', async () => {
  const login = addUser(collector, 'a11y-manager', 'dealer-manager', ['D001']);
  const violations = [];
  const page = await open(PHONE, `${collector.url}/static/qr.html`);
  await page.waitForURL((url) => url.pathname === '/login');
  await page.locator('#login-form').waitFor();
  violations.push(...(await audit(page, 'login')));
  // The announced error state: a wrong password.
  await page.getByLabel('登录名').fill(login);
  await page.getByLabel('密码').fill('not the password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('#login-status:not(:empty)').waitFor();
  violations.push(...(await audit(page, 'login error')));
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => url.pathname === '/static/qr.html');
  await page.locator('#signed-in:not([hidden])').waitFor();
  violations.push(...(await audit(page, 'qr')));
  await page.getByLabel('经销商代码').fill('D001');
  await page.getByLabel('工单号').fill('RO-1');
  await page.getByLabel('服务顾问').fill('A07');
  await page.getByRole('button', { name: '生成二维码' }).click();
  await page.locator('#result:not([hidden])').waitFor();
  violations.push(...(await audit(page, 'qr result')));
  await page.context().close();
  assert.deepEqual(violations, []);
});

test('axe: the embedded widget and the kiosk', async () => {
  const violations = [];
  for (const [name, viewport, url] of [
    ['embedded', KIOSK, '/static/embedded.html'],
    ['kiosk welcome', KIOSK, '/static/kiosk.html'],
  ]) {
    const page = await open(viewport, collector.url + url);
    if (name === 'embedded') await page.locator('.sw-page-title').waitFor();
    violations.push(...(await audit(page, name)));
    if (name === 'kiosk welcome') {
      await page.locator('.sw-kiosk-start').click();
      await page.locator('.sw-page-title').waitFor();
      violations.push(...(await audit(page, 'kiosk survey')));
    }
    await page.context().close();
  }
  assert.deepEqual(violations, []);
});

test('axe can fail: the same check catches a radio whose label was emptied', async () => {
  const page = await open(PHONE, `${collector.url}/broken-label.html?lang=en`);
  await page.locator('.sw-page-title').waitFor();
  assert.deepEqual(await audit(page, 'intact'), [], 'the fixture survey itself is clean');
  // Break one label the way a careless template change would: the text is gone.
  await page.evaluate(() => { document.querySelector('label.sw-choice .sw-choice-face').textContent = ''; });
  const violations = await audit(page, 'broken label');
  assert.ok(violations.some((v) => / label \(critical\)/.test(v)), violations.join('\n') || 'no violation found');
  await page.context().close();
});

test('keyboard only: Tab, arrows, Space and Enter complete a survey with visible focus', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${collector.url}/post-call.html?lang=en`);
  await page.locator('.sw-page-title').waitFor();
  const before = collector.rows().length;
  const focusInfo = () => page.evaluate(() => {
    const el = document.activeElement;
    const face = el?.matches('input') ? el.nextElementSibling ?? el : el;
    const style = face ? getComputedStyle(face) : null;
    return { tag: el?.tagName, type: el?.type, id: el?.id, outline: style?.outlineStyle, width: style?.outlineWidth, text: el?.innerText };
  });
  const headings = [];
  for (let step = 0; step < 300; step++) {
    if (await page.locator('.sw-done').count()) break;
    await page.keyboard.press('Tab');
    const f = await focusInfo();
    if (f.tag === 'INPUT' && f.type === 'radio') {
      assert.notEqual(f.outline, 'none', `focus is visible on radio ${f.id}`);
      const checked = await page.evaluate(() => document.activeElement.checked);
      if (!checked) {
        await page.keyboard.press('ArrowRight'); // moves and selects within the group
        await page.keyboard.press('Space');
      }
    } else if (f.tag === 'BUTTON' && /Next|Submit/.test(f.text)) {
      assert.notEqual(f.outline, 'none', 'focus is visible on the button');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.tagName === 'H2' || document.querySelector('.sw-done'),
        null, { timeout: 3000 }).catch(() => {});
      const h = await focusInfo();
      if (!(await page.locator('.sw-done').count())) {
        assert.equal(h.tag, 'H2', 'focus moved to the new page heading');
        headings.push(h.text);
      }
    }
  }
  await page.locator('.sw-done').waitFor();
  assert.ok(headings.length >= 2, `moved through pages: ${headings.join(' / ')}`);
  assert.equal(collector.rows().length, before + 1);
  await context.close();
});
