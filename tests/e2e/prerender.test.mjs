// The collector serves a survey page with its first page already rendered in it, so a
// customer on a slow phone can answer while the wasm downloads. These tests hold the
// wasm back, answer in the server's markup, then let the widget start: what was
// chosen, where focus was, and a Next pressed early all carry over, and the response
// stored in SQLite has the answers given before the widget ran.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { DIST, PHONE, startCollector, launchBrowser, newPage, completeSurvey, until } from './support.mjs';

/** The build names the wasm after its content hash (scripts/build). */
const wasmName = () => readdirSync(join(DIST, 'pkg')).find((f) => /^survey_widget_bg-[0-9a-f]+\.wasm$/.test(f));

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

let collector;
let browser;
before(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** Opens the demo page with the wasm held back; `release()` lets it through. */
async function openHeld(path, options = {}) {
  const page = await newPage(browser, PHONE, options);
  let release;
  const released = new Promise((r) => { release = r; });
  await page.route('**/survey_widget_bg-*.wasm', async (route) => { await released; await route.continue(); });
  await page.goto(`${collector.url}${path}`);
  await page.locator('[data-sw-prerendered] fieldset.sw-q').first().waitFor();
  return { page, release };
}

/** Ids of the checked controls of the live widget (not the prerendered markup). */
const checkedIds = (page) => page.locator('[data-survey-widget] input:checked')
  .evaluateAll((els) => els.filter((e) => !e.closest('[data-sw-prerendered]')).map((e) => e.id));

test('the first page is in the HTML, in the language asked for, escaped', async () => {
  const en = await (await fetch(`${collector.url}/?lang=en&dealer=%3Cb%3EX`)).text();
  assert.match(en, /<div data-survey-widget[^>]*><div data-sw-prerendered data-sw-flow="page"><div lang="en" data-sw-close="Close" class="sw">/);
  assert.match(en, /<fieldset id="sw0-q-[a-z_]+" class="sw-q"><legend class="sw-legend">[^<]+/);
  assert.doesNotMatch(en, /<b>X/);
  const tw = await fetch(`${collector.url}/`, { headers: { 'Accept-Language': 'zh-TW,en;q=0.5' } });
  assert.equal(tw.headers.get('vary'), 'Accept-Language, User-Agent, Sec-CH-UA-Mobile');
  assert.match(await tw.text(), /<div lang="zh-TW" data-sw-close="關閉" class="sw">/);
  // The wasm goes out as the gzip copy the build wrote beside it.
  const wasm = await fetch(`${collector.url}/pkg/${wasmName()}`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(wasm.headers.get('content-encoding'), 'gzip');
  assert.ok(Number(wasm.headers.get('content-length')) < 0.5 * (await wasm.arrayBuffer()).byteLength);
  // A kiosk gets its welcome, the first page hidden behind it (kiosk_first_page.test.mjs).
  const kiosk = await (await fetch(`${collector.url}/?mode=kiosk&lang=en`)).text();
  assert.match(kiosk, /<div data-sw-prerendered data-sw-flow="page"><div class="sw-kiosk"><section lang="en" [^>]*class="sw sw-kiosk-welcome">/);
  assert.match(kiosk, /<div data-sw-kiosk-survey="" data-sw-idle-ms="90000" hidden="hidden"><div lang="en" data-sw-close="Close" class="sw">/);
});

test('answers, focus and Next given before the widget runs carry over into the response', async () => {
  const { page, release } = await openHeld('/?lang=en&dealer=D-PRE&ro=RO-PRE');
  const pre = page.locator('[data-sw-prerendered]');
  // Every question of the first page, answered in the server's markup (last option).
  const ids = await pre.locator('fieldset.sw-q').evaluateAll((fs) => fs.map((f) => f.id));
  const chosen = [];
  for (const id of ids) {
    const option = pre.locator(`[id="${id}"] .sw-choices label.sw-choice`).last();
    await option.click();
    chosen.push(await option.locator('input').getAttribute('id'));
  }
  assert.equal(await pre.count(), 1, 'the widget has not started yet');
  const before = await page.locator('.sw-progress-label').innerText();
  await page.locator('.sw-btn-primary').click();
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.sw-progress-label').innerText(), before, 'Next waits for the widget');
  release();
  await until(async () => (await pre.count()) === 0, 'the widget to take over');
  await until(async () => (await page.locator('.sw-progress-label').innerText()) !== before, 'the early Next to take effect');
  // Back: the first page, rendered from the widget's own state.
  // By its name: page 2 is a checklist, whose All yes is a secondary button too.
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await until(async () => (await page.locator('.sw-progress-label').innerText()) === before, 'back on page 1');
  assert.deepEqual(await checkedIds(page), chosen);
  await completeSurvey(page);
  await page.locator('.sw-done').waitFor();
  const row = await until(() => collector.rows().find((r) => JSON.parse(r.payload).context?.repair_order === 'RO-PRE'), 'the stored row');
  const answers = JSON.parse(row.payload).answers;
  for (const id of ids) assert.ok(id.replace(/^sw0-q-/, '') in answers, `${id} answered: ${JSON.stringify(answers)}`);
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('keyboard focus stays on the control the customer was on', async () => {
  const { page, release } = await openHeld('/?lang=en');
  const first = page.locator('[data-sw-prerendered] fieldset.sw-q input').first();
  await first.focus();
  await page.keyboard.press('Space');
  const id = await first.getAttribute('id');
  release();
  await until(async () => (await page.locator('[data-sw-prerendered]').count()) === 0, 'the widget to take over');
  assert.equal(await page.evaluate(() => document.activeElement?.id), id);
  assert.deepEqual(await checkedIds(page), [id]);
  // The widget is live: a Next now validates the rest of the page.
  await page.keyboard.press('Enter');
  await page.locator('.sw-field-error:not(:empty)').first().waitFor();
  await page.context().close();
});

for (const lang of ['zh-CN', 'zh-TW', 'en']) {
  test(`axe: the prerendered page in ${lang} before the widget starts`, async () => {
    const { page, release } = await openHeld(`/?lang=${lang}`, { bypassCSP: true });
    await page.evaluate(AXE);
    const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
    const violations = result.violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    assert.deepEqual(violations, []);
    assert.equal(await page.locator('[data-sw-prerendered]').count(), 1, 'audited before the widget started');
    assert.equal(await page.locator('[data-sw-prerendered] .sw').getAttribute('lang'), lang);
    release();
    await page.context().close();
  });
}

test('a language chosen before the widget runs is shown pressed, and is the widget\'s when it runs', async () => {
  const { page, release } = await openHeld('/?lang=zh-CN');
  const pre = page.locator('[data-sw-prerendered]');
  await pre.locator('.sw-lang-btn[lang="en"]').click();
  assert.equal(await pre.locator('.sw-lang-btn[lang="en"]').getAttribute('aria-pressed'), 'true');
  assert.equal(await pre.locator('.sw-lang-btn[lang="zh-CN"]').getAttribute('aria-pressed'), 'false');
  release();
  await until(async () => (await pre.count()) === 0, 'the widget to take over');
  await until(async () => (await page.locator('[data-survey-widget] .sw').getAttribute('lang')) === 'en', 'English');
  assert.match(await page.locator('.sw-progress-label').innerText(), /of/);
  await completeSurvey(page);
  await page.locator('.sw-done').waitFor();
  const row = await until(() => collector.rows().at(-1), 'the stored row');
  assert.equal(JSON.parse(row.payload).locale, 'en');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});
