// Issue 17, "All yes" on a grouped checklist (survey_core::flow::all_yes): one tap
// answers every item of the group yes and, in the question flow, moves on like a pick.
// Posted to the real collector: the stored answers equal those of a customer tapping
// each yes, and the payload's client.all_yes names the groups; Back shows the answers
// and one item can be changed to no; the button is a real button in tab order (Enter
// on it works, no extra key); in the page flow it answers the page's checklist and
// waits for Next; axe finds nothing on a checklist screen in both flows. Screenshots at
// 320 and 360 go to /tmp/flow-17b-shots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { PHONE, startCollector, launchBrowser, newPage, until } from './support.mjs';
import { POLICIES, inputs, walk } from './taps.mjs';

const SHOTS = '/tmp/flow-17b-shots';
mkdirSync(SHOTS, { recursive: true });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const BOOKING = ['p_appointment', 'p_cost_estimate', 'p_time_estimate', 'p_lounge_food'];

let collector;
let browser;
before(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); });

async function open(flow, ro, { viewport = PHONE, lang = 'en', ...options } = {}) {
  const page = await newPage(browser, viewport, { bypassCSP: true, ...options });
  await page.goto(`${collector.url}/?lang=${lang}&flow=${flow}&dealer=D-AY&ro=${ro}`);
  await page.locator('form.sw-form').waitFor();
  await page.locator('[data-sw-prerendered]').waitFor({ state: 'detached' });
  return page;
}

const screen = (page) => page.locator('form.sw-form').getAttribute('data-sw-screen');
const moved = (page, from) => until(async () => {
  const now = await screen(page).catch(() => null);
  return now !== null && now !== from && now;
}, 'the next screen', 5000);
const allYes = (page) => page.locator('button.sw-all-yes').first();
/** Which choice of question `id` is checked: 0 yes, 1 no, 2 not applicable, -1 none. */
const checkedOf = (page, id) => page.locator(`[id$="-q-${id}"] input`).evaluateAll(
  (inputs) => inputs.findIndex((i) => i.checked));

async function stored(before) {
  await until(() => collector.rows().length === before + 1, 'the stored response');
  const row = collector.rows().at(-1);
  return { answers: JSON.parse(row.answers), payload: JSON.parse(row.payload) };
}

test('All yes stores exactly what tapping each yes stores, in fewer taps, and says it was used', async () => {
  const results = {};
  for (const [name, allYes] of [['each', false], ['all', true]]) {
    const page = await open('question', `RO-AY-${name}`, { lang: 'zh-CN' });
    const before = collector.rows().length;
    const counts = await walk(page, page, POLICIES.happy, inputs('post-service'), { allYes });
    results[name] = { counts, ...(await stored(before)) };
    await page.context().close();
  }
  const { each, all } = results;
  assert.deepEqual(all.answers, each.answers, 'the same per-item answers');
  for (const id of [...BOOKING, 'p_inspect_invite', 'p_advice', 'p_on_time', 'p_all_done']) {
    assert.deepEqual(all.answers[id], { yes_no: true }, id);
  }
  assert.deepEqual(all.payload.client.all_yes, ['booking', 'pickup']);
  assert.equal(each.payload.client.all_yes, undefined, 'no shortcut, no note');
  assert.ok(all.counts.taps < each.counts.taps, `${all.counts.taps} taps < ${each.counts.taps}`);
  console.log(`happy post-service, question flow: ${each.counts.taps} taps item by item, ${all.counts.taps} with All yes`);
});

test('after All yes, Back shows the answers and one item can be changed to no', async () => {
  const page = await open('question', 'RO-AY-back');
  const first = await screen(page);
  await allYes(page).click();
  const second = await moved(page, first);
  assert.equal(await page.locator('.sw-checklist fieldset.sw-q').count(), 4, 'the pickup checklist');
  await page.waitForTimeout(500); // past the ghost-tap guard, as a person is
  await page.locator('.sw-btn-secondary', { hasText: 'Back' }).click();
  await moved(page, second);
  for (const id of BOOKING) assert.equal(await checkedOf(page, id), 0, `${id} shows yes`);
  await page.locator('[id$="-q-p_lounge_food"] label.sw-choice').nth(1).click();
  await page.waitForTimeout(400);
  assert.equal(await screen(page), first, 'changing an item does not move on');
  assert.equal(await checkedOf(page, 'p_lounge_food'), 1);
  await page.locator('.sw-btn-primary').click();
  await moved(page, first);
  await page.waitForTimeout(450);
  const before = collector.rows().length;
  await walk(page, page, POLICIES.happy, inputs('post-service'));
  const { answers, payload } = await stored(before);
  assert.deepEqual(answers.p_lounge_food, { yes_no: false }, 'the changed item');
  for (const id of BOOKING.slice(0, 3)) assert.deepEqual(answers[id], { yes_no: true }, id);
  assert.deepEqual(payload.client.all_yes, ['booking', 'pickup']);
  await page.context().close();
});

test('All yes is a real button in tab order: Tab from the last item reaches it, Enter presses it', async () => {
  const page = await open('question', 'RO-AY-keys');
  const button = allYes(page);
  assert.equal(await button.evaluate((b) => b.tagName + ':' + b.type), 'BUTTON:button');
  const box = await button.boundingBox();
  assert.ok(box.height >= 44 && box.width >= 44, `a 44 px target: ${JSON.stringify(box)}`);
  await page.locator('[id$="-q-p_lounge_food"] input').first().focus();
  await page.keyboard.press('Tab');
  assert.equal(await button.evaluate((b) => b === document.activeElement), true, 'the next stop after the items');
  const first = await screen(page);
  await page.keyboard.press('Enter');
  await moved(page, first);
  await page.context().close();
});

test('the page flow: All yes answers the checklist page and waits for Next', async () => {
  const page = await open('page', 'RO-AY-page');
  const label = await page.locator('.sw-progress-label').first().innerText();
  await allYes(page).click();
  await page.waitForTimeout(600);
  assert.equal(await page.locator('.sw-progress-label').first().innerText(), label, 'still on the page');
  for (const id of BOOKING) assert.equal(await checkedOf(page, id), 0, `${id} yes`);
  await page.locator('.sw-btn-primary').click();
  await until(async () => (await page.locator('.sw-progress-label').first().innerText()) !== label, 'the next page');
  await page.context().close();
});

test('axe: nothing on a checklist screen with All yes, in both flows; screenshots at 320 and 360', async () => {
  const violations = [];
  for (const flow of ['question', 'page']) {
    for (const [w, h] of [[320, 640], [360, 740]]) {
      const page = await open(flow, `RO-AY-axe-${flow}`, { viewport: { width: w, height: h }, lang: 'zh-CN' });
      await page.screenshot({ path: `${SHOTS}/all-yes-${flow}-${w}.png`, fullPage: true });
      await page.evaluate(AXE);
      const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
      violations.push(...result.violations.map((v) => `${flow} ${w}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
      await page.context().close();
    }
  }
  assert.deepEqual(violations, []);
});
