// The floating button (`data-display="button"`): one script tag puts a button in the
// corner of the dealer's page; the wasm loads only when it is first pressed; the
// survey opens in a modal dialog, completes and posts once; Close and Escape close it
// and give focus back to the button. Checked with axe with the dialog open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PHONE, startCollector, launchBrowser, newPage, makeSite, scriptTagPage, completeSurvey, until } from './support.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const LABEL = 'Rate our service';

let site;
let collector;
let browser;
before(async () => {
  site = makeSite({
    'static/t-button.html': scriptTagPage(
      { survey: 'post-call', endpoint: '/v1/responses', locale: 'en', display: 'button', label: LABEL },
      '<main><h1>Dealer site</h1><p>Opening hours 8:00–18:00.</p></main>',
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
