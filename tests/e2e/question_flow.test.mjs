// Issue 17, one question at a time (data-flow="question", ?flow=question on the survey's
// own page, the default on a phone): the flow end to end posting to the real collector,
// with the same stored answers as the page flow for the same choices; a one-tap answer
// moves on by itself, Back keeps answers, number keys choose and Enter continues, the
// tap that chose never lands on the next screen, reduced motion moves at once with no
// transition; axe finds nothing in every sample theme, light and dark; a phone's first
// screen is prerendered in the question flow and an answer given there before the wasm
// runs is kept, on the survey's own page and from the script tag (data-flow). Screenshots at 320, 360, 390 and a 1280x800 kiosk of a star rating, the
// NPS, the 1-7 effort scale, the grouped checklist and the thank-you go to
// tests/e2e/artifacts/question_flow/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { ROOT, PHONE, startCollector, launchBrowser, newPage, until } from './support.mjs';
import { POLICIES, inputs, walk } from './taps.mjs';

const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts/question_flow');
mkdirSync(ARTIFACTS, { recursive: true });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const THEMES = ['blue', 'oem-red', 'premium-dark'];
// A phone as the collector sees one: its user agent says Mobile.
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';

let collector;
let browser;
before(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** The widget has started (the prerendered markup is gone) and shows a screen. */
async function running(page) {
  await page.locator('form.sw-form, .sw-done').first().waitFor();
  await page.locator('[data-sw-prerendered]').waitFor({ state: 'detached' });
}

async function open(query, { viewport = PHONE, ...options } = {}) {
  const page = await newPage(browser, viewport, options);
  await page.goto(`${collector.url}/?lang=en&flow=question${query}`);
  await running(page);
  return page;
}

const screen = (page) => page.locator('form.sw-form').getAttribute('data-sw-screen');
const legend = (page) => page.locator('.sw-legend-big, .sw-page-title').first().innerText();
const choices = (page) => page.locator('.sw-screen .sw-choices').first().locator('label.sw-choice');
/** Waits until the screen is another than `from`; returns the new key. */
const moved = (page, from, what = 'the next screen') => until(async () => {
  const now = await screen(page).catch(() => null);
  return now !== null && now !== from && now;
}, what, 5000);

/** Answers the grouped checklist (yes to each) and presses Next; then on s_wait_reception. */
async function pastChecklists(page) {
  for (let i = 0; i < 2; i++) {
    const from = await screen(page);
    const items = page.locator('.sw-checklist fieldset.sw-q');
    assert.equal(await items.count(), 4, 'the checklist shows its four process items');
    for (let j = 0; j < 4; j++) await items.nth(j).locator('label.sw-choice').first().click();
    await page.locator('.sw-btn-primary').click();
    await moved(page, from);
  }
  // The new screen scrolls to the widget's top (smoothly): let it settle.
  await page.waitForTimeout(500);
}

test('the question flow, end to end: the same stored answers as the page flow for the same choices', async () => {
  const stored = {};
  for (const flow of ['page', 'question']) {
    const page = await newPage(browser, PHONE);
    await page.goto(`${collector.url}/?lang=zh-CN&flow=${flow}&dealer=D-QF&ro=RO-QF-${flow}`);
    await running(page);
    const before = collector.rows().length;
    const counts = await walk(page, page, POLICIES.unhappy, inputs('post-service'));
    await until(() => collector.rows().length === before + 1, 'the stored response');
    const row = collector.rows().at(-1);
    stored[flow] = { answers: JSON.parse(row.answers), counts };
    await page.context().close();
  }
  assert.deepEqual(stored.question.answers, stored.page.answers);
  assert.ok(stored.question.counts.screens > stored.page.counts.screens,
    `one question per screen: ${stored.question.counts.screens} screens against ${stored.page.counts.screens} pages`);
  assert.deepEqual(stored.question.answers.what_went_wrong.choices.length, 2);
});

test('a one-tap answer moves on by itself; Back is one tap away and keeps the answer', async () => {
  const page = await open('');
  assert.match(await page.locator('.sw-progress-label').innerText(), /^\d+ questions left$/);
  const leftAtStart = Number((await page.locator('.sw-progress-label').innerText()).split(' ')[0]);
  await pastChecklists(page);
  assert.equal(await page.locator('.sw-progress-label').innerText(), `${leftAtStart - 8} questions left`);
  const first = await screen(page);
  const title = await legend(page);
  await choices(page).nth(3).click();
  const second = await moved(page, first);
  assert.notEqual(await legend(page), title);
  // Focus is on the new question's legend, so a screen reader reads it out.
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('sw-legend-big')), true);
  await page.locator('.sw-btn-secondary').click();
  await moved(page, second, 'back');
  assert.equal(await legend(page), title);
  assert.equal(await choices(page).nth(3).locator('input').isChecked(), true, 'the answer is kept');
  await page.context().close();
});

test('keyboard: number keys choose (0 is 10 on the NPS) and Enter continues', async () => {
  const page = await open('&survey=post-call');
  const csat = await screen(page);
  assert.match(await legend(page), /satisf/i);
  await page.locator('.sw-legend-big').focus();
  await page.keyboard.press('4');
  const fcr = await moved(page, csat);
  await page.waitForTimeout(450);
  await page.keyboard.press('1');
  const ces = await moved(page, fcr);
  await page.waitForTimeout(450);
  await page.keyboard.press('6');
  const agent = await moved(page, ces);
  // The agent matrix needs Next; Enter is Next, and refuses while it is unanswered.
  await page.waitForTimeout(450);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  assert.equal(await screen(page), agent, 'an unanswered matrix stays');
  for (const item of await page.locator('fieldset.sw-matrix-item').all()) await item.locator('label.sw-choice').last().click();
  await page.keyboard.press('Enter');
  const nps = await moved(page, agent);
  await page.waitForTimeout(450);
  await page.keyboard.press('0');
  await moved(page, nps);
  // The rest by Next, then send.
  for (let i = 0; i < 10 && !(await page.locator('.sw-done').count()); i++) {
    await page.waitForTimeout(450);
    const at = await screen(page).catch(() => null);
    await page.locator('.sw-btn-primary').click();
    if (at) await until(async () => (await page.locator('.sw-done').count()) || (await screen(page).catch(() => null)) !== at, 'a move');
  }
  await page.locator('.sw-done').waitFor();
  const answers = JSON.parse(collector.rows().at(-1).answers);
  assert.deepEqual(answers.csat, { scale: 4 });
  assert.deepEqual(answers.fcr, { yes_no: true });
  assert.deepEqual(answers.ces, { scale: 6 });
  assert.deepEqual(answers.nps, { scale: 10 });
  await page.context().close();
});

test('no ghost tap: a tap landing on the next screen right after the move chooses nothing', async () => {
  const page = await open('', { hasTouch: true, isMobile: true });
  await pastChecklists(page);
  const first = await screen(page);
  const box = await choices(page).nth(4).boundingBox();
  await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
  const second = await moved(page, first);
  // The finger comes down again at once (an impatient double tap), on the new "5".
  const next = await choices(page).nth(4).boundingBox();
  const [x, y] = [next.x + next.width / 2, next.y + next.height / 2];
  assert.equal(await page.evaluate(([px, py]) => !!document.elementFromPoint(px, py)?.closest('label.sw-choice'), [x, y]), true,
    'the spot is an answer of the next screen');
  await page.touchscreen.tap(x, y);
  await page.waitForTimeout(400);
  assert.equal(await screen(page), second, 'still on the second rating');
  assert.equal(await page.locator('.sw-screen input:checked').count(), 0, 'nothing chosen on it, nor drawn chosen');
  // The same for Next: pressed this soon after a move it does nothing either.
  const third = await (async () => {
    await page.touchscreen.tap(x, y);
    return moved(page, second);
  })();
  const button = await page.locator('.sw-btn-primary').boundingBox();
  await page.touchscreen.tap(button.x + button.width / 2, button.y + button.height / 2);
  await page.waitForTimeout(400);
  assert.equal(await screen(page), third, 'an early Next is not taken');
  assert.equal(await page.locator('.sw-field-error:not(:empty)').count(), 0, 'nor checked');
  await page.context().close();
});

test('reduced motion: the next question at once, with no transition; with motion, a short one', async () => {
  const timing = {};
  for (const reducedMotion of ['no-preference', 'reduce']) {
    const page = await newPage(browser, PHONE);
    await page.emulateMedia({ reducedMotion });
    await page.goto(`${collector.url}/?lang=en&flow=question&survey=post-call`);
    await running(page);
    const from = await screen(page);
    const t0 = Date.now();
    await choices(page).nth(4).click();
    await moved(page, from);
    timing[reducedMotion] = Date.now() - t0;
    const animations = await page.locator('.sw-screen').evaluate((el) => el.getAnimations({ subtree: true }).length);
    if (reducedMotion === 'reduce') assert.equal(animations, 0, 'nothing moves');
    await page.context().close();
  }
  assert.ok(timing['no-preference'] >= 240, `the chosen answer stays in view first (${timing['no-preference']} ms)`);
  assert.ok(timing.reduce < timing['no-preference'] - 150, `reduced motion waits for no transition (${JSON.stringify(timing)})`);
});

/** Runs axe on the page and returns readable violations. */
async function audit(page, where) {
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return result.violations.map((v) => `${where}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const theme of THEMES) {
  for (const colorScheme of ['light', 'dark']) {
    test(`axe: the question flow in the ${theme} theme (${colorScheme}): checklist, its error, ratings, NPS, thank-you`, async () => {
      const page = await newPage(browser, PHONE, { bypassCSP: true, colorScheme });
      await page.goto(`${collector.url}/?lang=zh-CN&flow=question&theme=${theme}&survey=post-call`);
      await running(page);
      const violations = [];
      violations.push(...await audit(page, 'stars'));
      // post-call: stars, yes/no, effort 1-7, the agent matrix, NPS, then the rest.
      for (let i = 0; i < 12 && !(await page.locator('.sw-done').count()); i++) {
        const at = await screen(page);
        // A reader's moment on the new screen (a tap sooner is taken for the last one's).
        await page.waitForTimeout(450);
        const matrix = page.locator('fieldset.sw-matrix-item');
        if (await matrix.count()) {
          await page.locator('.sw-btn-primary').click();
          await page.locator('.sw-field-error:not(:empty)').first().waitFor();
          violations.push(...await audit(page, `${at} with its error`));
          for (const item of await matrix.all()) await item.locator('label.sw-choice').last().click();
          await page.locator('.sw-btn-primary').click();
        } else if (await page.locator('.sw-screen .sw-choices').count()) {
          await choices(page).first().click();
          if (await page.locator('.sw-screen .sw-choices').count() && (await screen(page)) === at) {
            await page.waitForTimeout(400);
            if ((await screen(page)) === at) await page.locator('.sw-btn-primary').click();
          }
        } else {
          await page.locator('.sw-btn-primary').click();
        }
        // Sending: in most of these runs here the POST stayed pending about 30 s before it
        // was stored (not investigated; see the closing note); the diagnosis names it.
        await until(async () => (await page.locator('.sw-done').count()) || (await screen(page).catch(() => at)) !== at,
          `leaving ${at}`, 120000).catch((e) => { throw new Error(`${e.message}: ${page.diagnose()}`); });
        if (!(await page.locator('.sw-done').count())) violations.push(...await audit(page, await screen(page)));
      }
      await page.locator('.sw-done').waitFor();
      violations.push(...await audit(page, 'thank-you'));
      // The post-service checklist, and its error state.
      await page.goto(`${collector.url}/?lang=zh-CN&flow=question&theme=${theme}`);
      await running(page);
      await page.locator('.sw-btn-primary').click();
      await page.locator('.sw-field-error:not(:empty)').first().waitFor();
      violations.push(...await audit(page, 'checklist with errors'));
      assert.deepEqual(violations, []);
      await page.context().close();
    });
  }
}

test('a phone gets the first question prerendered; an answer given before the wasm runs is kept', async () => {
  const html = await (await fetch(`${collector.url}/?lang=en&survey=post-call`, { headers: { 'User-Agent': PHONE_UA } })).text();
  assert.match(html, /<div data-sw-prerendered data-sw-flow="question">/);
  assert.match(html, /id="sw0-q-csat"/);
  assert.doesNotMatch(html, /id="sw0-q-fcr"/, 'one question, not the page');
  const desk = await (await fetch(`${collector.url}/?lang=en&survey=post-call`)).text();
  assert.match(desk, /data-sw-flow="page"/);
  assert.match(desk, /id="sw0-q-fcr"/);

  const page = await newPage(browser, PHONE, { userAgent: PHONE_UA, hasTouch: true, isMobile: true });
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/survey_widget_bg-*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(`${collector.url}/?lang=en&survey=post-call&dealer=D-PRE-Q`);
  const pre = page.locator('[data-sw-prerendered]');
  await pre.locator('fieldset.sw-q').first().waitFor();
  assert.equal(await pre.getAttribute('data-sw-flow'), 'question');
  await pre.locator('label.sw-choice').nth(3).click();
  release();
  await pre.waitFor({ state: 'detached' });
  // The widget took the answer over and, as a tap would, moved on to the next question.
  await until(async () => (await page.locator('[id="sw0-q-fcr"]').count()) === 1, 'the next question');
  await page.locator('.sw-btn-secondary').click();
  await until(async () => page.locator('[id="sw0-q-csat-r-3"]').isChecked().catch(() => false), 'csat kept as 4');
  await page.context().close();
});

test('the script tag with data-flow="question": its first page is the first question, and an answer given there is kept', async () => {
  const fragment = await fetch(`${collector.url}/v1/first-page?survey=post-call&endpoint=/v1/responses&mode=embed&locale=en&flow=question`);
  const html = await fragment.text();
  assert.match(html, /^<div data-sw-prerendered data-sw-flow="question">/);
  assert.match(html, /-q-csat"/);
  assert.doesNotMatch(html, /-q-fcr"/);
  const dealer = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Dealer</title>
<link rel="icon" href="data:,"></head><body><main><h1>Dealer site</h1></main>
<script src="${collector.url}/static/survey-widget.js" data-survey="post-call" data-flow="question"
  data-endpoint="${collector.url}/v1/responses" data-locale="en" async></script></body></html>`);
  });
  await new Promise((r) => dealer.listen(0, '127.0.0.1', r));
  try {
    const page = await newPage(browser, PHONE, { locale: 'en-US' });
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
    await page.goto(`http://localhost:${dealer.address().port}/`);
    const pre = page.locator('[data-sw-prerendered]');
    await pre.locator('fieldset.sw-q').first().waitFor();
    assert.equal(await pre.locator('fieldset.sw-q').count(), 1, 'one question in the fragment');
    await pre.locator('label.sw-choice').nth(2).click();
    release();
    await pre.waitFor({ state: 'detached' });
    // Taken over as a tap: the answer kept and the flow moved on by itself.
    await until(async () => (await page.locator('[id$="-q-fcr"]').count()) === 1, 'the next question');
    await page.waitForTimeout(450);
    await page.locator('.sw-btn-secondary').click();
    await until(async () => page.locator('[id$="-q-csat-r-2"]').isChecked().catch(() => false), 'csat kept as 3');
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  } finally {
    await new Promise((r) => dealer.close(r));
  }
});

// ---------- screenshots (looked at; not compared) ----------
const SIZES = [['320', { width: 320, height: 640 }], ['360', PHONE], ['390', { width: 390, height: 844 }], ['kiosk', { width: 1280, height: 800 }]];

test('screenshots: stars, NPS, the 1-7 effort scale, the checklist and the thank-you at 320/360/390 and kiosk', async () => {
  for (const [size, viewport] of SIZES) {
    const page = await newPage(browser, viewport);
    const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `${name}-${size}.png`) });
    // After a move: the slide in is over, and a tap now is not taken for the last one's.
    const next = async (from) => { const to = await moved(page, from); await page.waitForTimeout(450); return to; };
    await page.goto(`${collector.url}/?lang=zh-CN&flow=question`);
    await running(page);
    await shot('checklist');
    await page.goto(`${collector.url}/?lang=zh-CN&flow=question&survey=post-call`);
    await running(page);
    let at = await screen(page);
    await choices(page).nth(3).click();
    await page.waitForTimeout(100);
    await shot('stars');
    at = await next(at);
    await choices(page).first().click();
    at = await next(at);
    await shot('effort');
    await choices(page).nth(5).click();
    at = await next(at);
    for (const item of await page.locator('fieldset.sw-matrix-item').all()) await item.locator('label.sw-choice').last().click();
    await page.locator('.sw-btn-primary').click();
    at = await next(at);
    await shot('nps');
    await choices(page).last().click();
    at = await next(at);
    for (let i = 0; i < 6 && !(await page.locator('.sw-done').count()); i++) {
      const now = await screen(page).catch(() => null);
      await page.locator('.sw-btn-primary').click();
      await until(async () => (await page.locator('.sw-done').count()) || (await screen(page).catch(() => null)) !== now, 'a move');
      await page.waitForTimeout(450);
    }
    await page.locator('.sw-done').waitFor();
    await page.waitForTimeout(500);
    await shot('thanks');
    await page.context().close();
  }
});
