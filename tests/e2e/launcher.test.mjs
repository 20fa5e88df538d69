// The floating button (`data-display="button"`): one script tag puts a button in the
// corner of the dealer's page; the wasm loads only when it is first pressed; the
// survey opens in a modal dialog, completes and posts once; Close and Escape close it
// and give focus back to the button. Checked with axe with the dialog open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT, PHONE, startCollector, launchBrowser, newPage, makeSite, scriptTagPage, completeSurvey, until } from './support.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const LABEL = 'Rate our service';

// The collector's CSP allows no inline style: the bar's CSS is a file of its own.
const STICKY_BAR = `<link rel="stylesheet" href="t-bar.css"><main><h1>Dealer site</h1></main>
<div id="book">Book a service</div>`;

let site;
let collector;
let browser;
before(async () => {
  site = makeSite({
    'static/t-button.html': scriptTagPage(
      { survey: 'post-call', endpoint: '/v1/responses', locale: 'en', display: 'button', label: LABEL },
      '<main><h1>Dealer site</h1><p>Opening hours 8:00–18:00.</p></main>',
    ),
    // A dealer's phone page with its own sticky 64 px "book a service" bar.
    'static/t-bar.css': 'main { height: 2000px; } #book { position: fixed; left: 0; right: 0; bottom: 0; height: 64px; background: #c00; color: #fff; }',
    ...Object.fromEntries([
      ['t-corner.html', { 'launcher-position': 'bottom-left', 'launcher-offset': '16 80' }],
      ['t-corner-bad.html', { 'launcher-position': 'middle', 'launcher-offset': '-3' }],
      ['t-corner-top.html', { 'launcher-position': 'top-right', 'launcher-offset': '24' }],
    ].map(([name, extra]) => [`static/${name}`, scriptTagPage(
      { survey: 'post-call', endpoint: '/v1/responses', locale: 'en', display: 'button', label: LABEL, ...extra },
      STICKY_BAR,
    )])),
    'static/t-dialog.html': scriptTagPage(
      { survey: 'post-service', endpoint: '/v1/responses', locale: 'en', display: 'button', label: LABEL },
      '<main><h1>Dealer site</h1></main>',
    ),
  });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

/** The element focused inside the widget's shadow root (the page only sees the host). */
const focusedInShadow = (page) => page.evaluate(() => {
  const host = [...document.body.children].find((e) => e.shadowRoot);
  const el = host?.shadowRoot.activeElement;
  return el ? `${el.tagName.toLowerCase()}.${el.className}` : null;
});

test('the button loads the survey only when pressed; the dialog completes it, closes, and gives focus back', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  const rowsBefore = collector.rows().length;
  await page.goto(`${collector.url}/static/t-button.html`);
  const button = page.getByRole('button', { name: LABEL });
  await button.waitFor();
  await page.waitForTimeout(500);
  assert.deepEqual(wasm, [], 'no wasm before the button is pressed');
  const box = await button.boundingBox();
  assert.ok(box.width >= 44 && box.height >= 44, JSON.stringify(box));
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width && box.y + box.height <= PHONE.height, JSON.stringify(box));

  await button.click();
  const dialog = page.locator('dialog.sw-dialog');
  await dialog.locator('.sw-page-title').waitFor();
  assert.equal(wasm.length, 1, 'the wasm loads on the first press');
  assert.equal(await dialog.evaluate((d) => d.open && d.matches(':modal')), true, 'a modal dialog');
  await completeSurvey(page, 'first', dialog);
  await dialog.locator('.sw-done').waitFor();
  await until(() => collector.rows().length === rowsBefore + 1, 'the stored response');
  assert.equal(collector.rows().at(-1).survey_id, 'post-call');

  await dialog.getByRole('button', { name: /Close/ }).click();
  await until(async () => !(await dialog.evaluate((d) => d.open)), 'the dialog to close');
  assert.equal(await focusedInShadow(page), 'button.sw-launcher', 'focus back on the button');
  // Opened again: the same widget (its thank-you), not a second survey; Escape closes.
  await button.click();
  await dialog.locator('.sw-done').waitFor();
  await page.keyboard.press('Escape');
  await until(async () => !(await dialog.evaluate((d) => d.open)), 'Escape to close the dialog');
  assert.equal(await focusedInShadow(page), 'button.sw-launcher', 'focus back on the button after Escape');
  assert.equal(wasm.length, 1, 'loaded once');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('axe: the page with the button, and with the survey open in the dialog', async () => {
  const context = await browser.newContext({ viewport: PHONE, bypassCSP: true, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${collector.url}/static/t-button.html`, { waitUntil: 'domcontentloaded' });
  await page.getByRole('button', { name: LABEL }).waitFor();
  await page.evaluate(AXE);
  const audit = async (where) => (await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS))
    .violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  const violations = await audit('closed');
  await page.getByRole('button', { name: LABEL }).click();
  await page.locator('dialog.sw-dialog .sw-page-title').waitFor();
  violations.push(...(await audit('open')));
  assert.deepEqual(violations, []);
  await context.close();
});

// issue 13 item 14: the floating button can be put in any corner with an offset, so it
// clears the dealer's own sticky bar; a bad value warns and the default is used.
test('issue 13 item 14: data-launcher-position and data-launcher-offset move the button clear of a sticky bar', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.goto(`${collector.url}/static/t-corner.html`);
  const button = page.getByRole('button', { name: LABEL });
  await button.waitFor();
  const box = await button.boundingBox();
  const bar = await page.locator('#book').boundingBox();
  assert.equal(Math.round(box.x), 16, JSON.stringify(box));
  assert.equal(Math.round(PHONE.height - (box.y + box.height)), 80, JSON.stringify(box));
  assert.ok(box.y + box.height <= bar.y, `the button (${JSON.stringify(box)}) clears the bar (${JSON.stringify(bar)})`);
  assert.deepEqual(warnings, []);

  await page.goto(`${collector.url}/static/t-corner-top.html`);
  await button.waitFor();
  const top = await button.boundingBox();
  assert.equal(Math.round(top.y), 24);
  assert.equal(Math.round(PHONE.width - (top.x + top.width)), 24);

  await page.goto(`${collector.url}/static/t-corner-bad.html`);
  await button.waitFor();
  const fallback = await button.boundingBox();
  assert.equal(Math.round(PHONE.width - (fallback.x + fallback.width)), 16, 'bottom-right, 16 px');
  assert.ok(warnings.some((w) => w.includes('data-launcher-position: "middle"')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('data-launcher-offset: "-3"')), warnings.join('\n'));
  assert.ok(!warnings.some((w) => w.includes('not a setting')), 'the widget knows them as loader settings');
  await page.context().close();
});

// issue 13 item 16: Close sits in the header's corner (no band of its own), Next is on
// screen at 768 px height, Close speaks the chosen language, and the thank-you has no
// language switch.
test('issue 13 item 16: the dialog has no empty band, shows Next at 768 px, and follows the language', async () => {
  const page = await newPage(browser, { width: 1024, height: 768 }, { locale: 'en-US' });
  await page.goto(`${collector.url}/static/t-dialog.html`);
  await page.getByRole('button', { name: LABEL }).click();
  const dialog = page.locator('dialog.sw-dialog');
  await dialog.locator('.sw-page-title').waitFor();
  await page.waitForTimeout(300);
  const close = dialog.locator('.sw-dialog-close');
  const closeBox = await close.boundingBox();
  const header = await dialog.locator('.sw-header').boundingBox();
  assert.ok(closeBox.y < header.y + header.height && closeBox.y + closeBox.height > header.y,
    `Close (${JSON.stringify(closeBox)}) sits beside the header (${JSON.stringify(header)}), not above it`);
  const next = await dialog.locator('.sw-btn-primary').boundingBox();
  assert.ok(next.y >= 0 && next.y + next.height <= 768, `Next is on screen: ${JSON.stringify(next)}`);
  assert.equal(await close.innerText(), 'Close');
  await dialog.locator('.sw-lang-btn[lang="zh-TW"]').click();
  await until(async () => (await close.innerText()) === '關閉', 'Close in zh-TW');
  await dialog.locator('.sw-lang-btn[lang="zh-CN"]').click();
  await until(async () => (await close.innerText()) === '关闭', 'Close in zh-CN');
  await completeSurvey(page, 'first', dialog);
  await dialog.locator('.sw-done').waitFor();
  assert.equal(await dialog.locator('.sw-lang').count(), 0, 'no language switch on the thank-you');
  await page.context().close();
});

// Issue 13 (optional, with item 18): at 360 px the three language buttons wrapped onto two
// lines in the dialog, because the header kept a band for Close beside the language row
// too. Now only the title leaves room for Close; the buttons get the whole width.
test('at 320 and 360 px the language buttons sit on one line in the dialog, clear of Close', async () => {
  for (const width of [320, 360]) {
    const page = await newPage(browser, { width, height: 740 }, { locale: 'en-US' });
    await page.goto(`${collector.url}/static/t-dialog.html`);
    await page.getByRole('button', { name: LABEL }).click();
    const dialog = page.locator('dialog.sw-dialog');
    await dialog.locator('.sw-page-title').waitFor();
    const boxes = await dialog.locator('.sw-lang-btn').evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().toJSON()));
    const close = await dialog.locator('.sw-dialog-close').boundingBox();
    assert.equal(boxes.length, 3);
    assert.equal(new Set(boxes.map((b) => Math.round(b.y))).size, 1, `one line at ${width} px: ${JSON.stringify(boxes)}`);
    for (const b of boxes) {
      assert.ok(b.height >= 44 && b.width >= 44, `44 px targets: ${JSON.stringify(b)}`);
      const apart = b.y >= close.y + close.height || b.x + b.width <= close.x;
      assert.ok(apart, `a language button (${JSON.stringify(b)}) is clear of Close (${JSON.stringify(close)})`);
    }
    await page.screenshot({ path: join(ROOT, `tests/e2e/artifacts/dialog-languages-${width}.png`) });
    await page.context().close();
  }
});
