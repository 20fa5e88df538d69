// Issue 17, the question flow's layout: a question and its answers sit together, with
// Back and Next right under the answers, not pinned to the bottom of a tall screen (the
// kiosk at 1280x800 showed a large empty gap above the buttons). The rule, checked on
// every single-question screen (a star rating, the 1-7 effort scale, the NPS, a free
// text) and the checklist, at 320, 360, 390, a 1280x800 desktop and the 1280x800
// kiosk (kiosk.html in the question flow): the gap from the question's box to the
// buttons' is at most GAP_EM of the form's own font size (the question's margin, the
// buttons' margin and padding: 2.75em in survey.css), whatever the viewport's height;
// and the whole block, question to buttons, is on the first screenful. Screenshots of
// each go to /tmp/flow-17b-shots/layout-*.png (looked at, not compared).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, newPage } from './support.mjs';
import { POLICIES, inputs, walk } from './taps.mjs';

const SHOTS = '/tmp/flow-17b-shots';
mkdirSync(SHOTS, { recursive: true });
const GAP_EM = 3;
const SIZES = [
  ['320', { width: 320, height: 640 }],
  ['360', { width: 360, height: 740 }],
  ['390', { width: 390, height: 844 }],
  ['desktop', { width: 1280, height: 800 }],
  ['kiosk', { width: 1280, height: 800 }],
];
/** The screens looked at, by their first question: what each shows. */
const WATCH = { csat: 'stars', ces: 'effort', nps: 'nps', comment: 'text', p_appointment: 'checklist' };

let collector;
let browser;
before(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); });

/** Opens `survey` in the question flow: the survey's own page, or the kiosk page told
 * `data-flow="question"` (its markup as served, with that one attribute added). */
async function open(size, viewport, survey) {
  const page = await newPage(browser, viewport, { locale: 'zh-CN' });
  if (size === 'kiosk') {
    const html = readFileSync(join(ROOT, 'dist/static/kiosk.html'), 'utf8')
      .replace('data-survey="post-service"', `data-survey="${survey}" data-flow="question"`);
    await page.route('**/static/kiosk.html', (route) => route.fulfill({ body: html, contentType: 'text/html' }));
    await page.goto(`${collector.url}/static/kiosk.html`);
    await page.locator('.sw-kiosk-start').click();
  } else {
    await page.goto(`${collector.url}/?lang=zh-CN&flow=question&survey=${survey}${survey === 'post-call' ? '&call=hotline' : ''}`);
  }
  await page.locator('form.sw-flow-question').waitFor();
  await page.locator('[data-sw-prerendered]').waitFor({ state: 'detached' });
  return page;
}

/** The gap (px and em) from the bottom of the screen's last answers to the top of the
 * buttons, and whether question and buttons are on the first screenful. */
function measure(form) {
  const qs = [...form.querySelectorAll('.sw-screen > .sw-q')];
  // The screen's last answers: its last question, or a checklist's "All yes" under it.
  const last = form.querySelector('.sw-screen').lastElementChild.getBoundingClientRect();
  const first = qs[0].getBoundingClientRect();
  const nav = form.querySelector('.sw-nav').getBoundingClientRect();
  const em = parseFloat(getComputedStyle(form).fontSize);
  const gap = nav.top - last.bottom;
  return { gap, em, gapEm: gap / em, top: first.top + window.scrollY, bottom: nav.bottom + window.scrollY, height: window.innerHeight };
}

for (const [size, viewport] of SIZES) {
  test(`the buttons sit under the answers at ${size} (${viewport.width}x${viewport.height})`, async () => {
    const seen = [];
    const problems = [];
    for (const survey of ['post-service', 'post-call']) {
      const page = await open(size, viewport, survey);
      const onScreen = async (here) => {
        const ids = await here.locator('.sw-screen > .sw-q').evaluateAll((fs) => fs.map((f) => f.id.replace(/^.*-q-/, '')));
        const what = WATCH[ids[0]];
        if (!what || seen.includes(what)) return;
        seen.push(what);
        await page.waitForTimeout(300); // the slide in is over
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `${SHOTS}/layout-${what}-${size}.png` });
        const m = await here.evaluate(measure);
        const line = `${what}: gap ${m.gap.toFixed(0)} px = ${m.gapEm.toFixed(2)} em`;
        if (m.gapEm > GAP_EM) problems.push(`${line} > ${GAP_EM} em`);
        // A checklist may be longer than a small phone; a single question fits.
        if (what !== 'checklist' && m.bottom > m.height) problems.push(`${what}: the buttons end at ${m.bottom.toFixed(0)} px, below the ${m.height} px screen`);
        console.log(`${size} ${line}`);
      };
      if (survey === 'post-service') {
        await onScreen(page.locator('form[data-sw-screen]')); // its first screen: the checklist
      } else {
        await walk(page, page, POLICIES.happy, inputs(survey), { onScreen });
      }
      await page.context().close();
    }
    assert.deepEqual(seen.sort(), Object.values(WATCH).sort(), 'every kind of screen was looked at');
    assert.deepEqual(problems, []);
  });
}
