// Issue 18: the kiosk page comes with its welcome screen prerendered and the first
// customer's first page hidden behind it (src/prerender.rs), so a lounge tablet
// answers a tap before its wasm has arrived. These tests hold the kiosk's wasm back:
// the welcome shows, a tap shows the first page at once with focus on its title, the
// answers given there are the widget's when it runs (src/takeover.rs), the stored
// response has them, and the kiosk's idle reset still comes for a customer who walked
// away before the widget ran.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, startCollector, launchBrowser, newPage, completeSurvey, until, widgetRunning } from './support.mjs';

const KIOSK = { width: 1280, height: 800 };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

let collector;
let browser;
before(async () => { collector = await startCollector(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await collector?.stop(); });

/** The kiosk page with its wasm held back until `release()`; once kiosk-start.js has enabled start. */
async function openHeld(options = {}) {
  const page = await newPage(browser, KIOSK, { locale: 'zh-CN', hasTouch: true, ...options });
  if (options.clock) await page.clock.install();
  let release;
  const released = new Promise((r) => { release = r; });
  await page.route('**/survey_widget_kiosk_bg-*.wasm', async (route) => { await released; await route.continue(); });
  await page.goto(`${collector.url}/static/kiosk.html`);
  await until(() => page.locator('[data-sw-prerendered] .sw-kiosk-start').isEnabled(), 'start enabled by kiosk-start.js');
  return { page, release, pre: page.locator('[data-sw-prerendered]') };
}

async function axe(page, what) {
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('a tap on the prerendered welcome shows the first page at once, and what is answered there is sent', async () => {
  const { page, release, pre } = await openHeld({ bypassCSP: true });
  assert.equal(await page.locator('.sw-staff-btn').count(), 0, 'the wasm has not run');
  assert.equal(await page.locator('.sw-page-title').isVisible(), false, 'the survey waits behind the welcome');
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/kiosk-prerendered-welcome-1280x800.png') });
  const violations = await axe(page, 'welcome');
  await pre.locator('.sw-kiosk-start').tap();
  await pre.locator('.sw-page-title').waitFor();
  assert.equal(await pre.locator('.sw-kiosk-welcome').count(), 0, 'the welcome is gone');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'sw-page-title');
  assert.equal(await pre.locator('.sw-progress-label').innerText(), '第 1 页，共 10 页');
  violations.push(...await axe(page, 'first page'));
  assert.deepEqual(violations, []);
  // Every question of the first page, answered in the server's markup (last option).
  const ids = await pre.locator('fieldset.sw-q').evaluateAll((fs) => fs.map((f) => f.id));
  assert.ok(ids.length >= 2, `${ids}`);
  const chosen = [];
  for (const id of ids) {
    const option = pre.locator(`[id="${id}"] .sw-choices label.sw-choice`).last();
    await option.tap();
    chosen.push(await option.locator('input').getAttribute('id'));
  }
  await page.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/kiosk-prerendered-first-page-1280x800.png') });
  assert.equal(await pre.count(), 1, 'the widget has not started yet');
  release();
  await widgetRunning(page);
  // The kiosk runs on its survey, with the answers, and nothing else was ticked.
  await page.locator('.sw-staff-btn').waitFor();
  assert.equal(await page.locator('.sw-kiosk-start').count(), 0, 'not back on the welcome');
  const checked = await page.locator('[data-survey-widget] input:checked').evaluateAll((els) => els.map((e) => e.id));
  assert.deepEqual(checked, chosen);
  const before = collector.rows().length;
  await completeSurvey(page);
  await page.locator('.sw-done').waitFor();
  const row = await until(() => collector.rows().length > before && collector.rows().at(-1), 'the stored row');
  const payload = JSON.parse(row.payload);
  assert.equal(payload.client.mode, 'kiosk');
  for (const id of ids) {
    const question = id.replace(/^sw0-0-q-/, '');
    assert.ok(question in payload.answers, `${question} answered: ${JSON.stringify(payload.answers)}`);
  }
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('a customer who taps start before the wasm and walks away is reset by the idle timer', async () => {
  const { page, release, pre } = await openHeld({ clock: true });
  await pre.locator('.sw-kiosk-start').tap();
  await pre.locator('fieldset.sw-q .sw-choices label.sw-choice').first().tap();
  release();
  await widgetRunning(page);
  await page.locator('.sw-staff-btn').waitFor();
  assert.equal(await page.locator('[data-survey-widget] input:checked').count(), 1);
  await page.clock.runFor(91_000);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  assert.equal(await page.locator('.sw-q, input:checked').count(), 0, 'nothing of the customer is left');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('without a tap the widget brings its own welcome, and keyboard focus stays on start', async () => {
  const { page, release, pre } = await openHeld();
  await pre.locator('.sw-kiosk-start').focus();
  release();
  await widgetRunning(page);
  await page.locator('.sw-staff-btn').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sw0-start');
  await page.keyboard.press('Enter');
  await page.locator('.sw-page-title').waitFor();
  assert.equal(await page.locator('.sw-progress-label').innerText(), '第 1 页，共 10 页');
  await page.context().close();
});

test('a language tapped on the prerendered welcome is the survey\'s, and the next customer starts in the default', async () => {
  const { page, release, pre } = await openHeld({ clock: true });
  await pre.locator('.sw-kiosk-welcome .sw-lang-btn[lang="en"]').tap();
  await pre.locator('.sw-kiosk-start').tap();
  // The words change when the widget runs; the choice is kept until then.
  assert.equal(await pre.locator('.sw-header .sw-lang-btn[lang="en"]').getAttribute('aria-pressed'), 'true');
  release();
  await widgetRunning(page);
  await page.locator('.sw-staff-btn').waitFor();
  await until(async () => (await page.locator('.sw-kiosk .sw').first().getAttribute('lang')) === 'en', 'English');
  assert.equal(await page.locator('.sw-progress-label').innerText(), 'Page 1 of 10');
  await page.clock.runFor(91_000);
  await page.getByRole('button', { name: '开始评价' }).waitFor();
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('a language tapped on the prerendered welcome without start: the widget\'s welcome comes up in it', async () => {
  const { page, release, pre } = await openHeld();
  await pre.locator('.sw-kiosk-welcome .sw-lang-btn[lang="en"]').tap();
  release();
  await widgetRunning(page);
  await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
  assert.equal(await page.locator('.sw-kiosk-welcome').getAttribute('lang'), 'en');
  await page.context().close();
});

test('after start the heading keeps focus when the widget takes over', async () => {
  const { page, release, pre } = await openHeld();
  await pre.locator('.sw-kiosk-start').tap();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sw0-0-heading');
  release();
  await widgetRunning(page);
  await page.locator('.sw-staff-btn').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sw0-0-heading');
  await page.context().close();
});

test('a customer who answers before a wasm that never comes and walks away: the page loads again, with nothing of theirs', async () => {
  const { page, pre } = await openHeld({ clock: true }); // never released
  await pre.locator('.sw-kiosk-start').tap();
  await pre.locator('fieldset.sw-q .sw-choices label.sw-choice').first().tap();
  assert.equal(await page.locator('input:checked').count(), 1);
  // Still answering: no reload inside the idle time.
  await page.clock.runFor(60_000);
  assert.equal(await pre.getAttribute('data-sw-started'), '');
  const reloaded = page.waitForEvent('load');
  await page.clock.runFor(31_000);
  await reloaded;
  await until(() => page.locator('[data-sw-prerendered] .sw-kiosk-start').isEnabled(), 'start enabled again');
  assert.equal(await page.locator('[data-sw-prerendered]').getAttribute('data-sw-started'), null);
  assert.equal(await page.locator('input:checked').count(), 0, 'nothing of the last customer');
  await page.context().close();
});
