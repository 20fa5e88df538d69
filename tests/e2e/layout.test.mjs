// Issue 13, layout: scales (stars, faces, numbers; 2 to 11 points) as one row or a
// balanced grid at 320-768 px with one star/face/number per button (items 2, 3); a
// required follow-up brought into view (7); a phone in landscape (8); the dark scheme
// with AA contrast (9). Screenshots go to tests/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, newPage, makeSite, hostPage, widgetRunning } from './support.mjs';

const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

const t = (en) => ({ en, 'zh-CN': en });
const rating = (id, points, presentation) => ({
  id, text: t(`${points} points, ${presentation}`), input: {
    type: 'rating', points, low: t('Very dissatisfied'), high: t('Very satisfied'), allow_na: false, presentation,
  },
});
const SCALES = {
  format: 'survey-definition/1', id: 'scales', version: 1, default_locale: 'en', locales: ['en', 'zh-CN'],
  title: t('Scales'),
  pages: [{ id: 'scales', title: t('Every scale'), questions: [
    rating('stars5', 5, 'stars'), rating('faces5', 5, 'faces'), rating('n5', 5, 'numbers'),
    rating('n7', 7, 'numbers'), rating('n10', 10, 'numbers'),
    { id: 'nps', text: t('NPS'), input: { type: 'nps', low: t('Not at all likely'), high: t('Extremely likely') } },
  ] }],
};

let site;
let collector;
let browser;
before(async () => {
  site = makeSite({
    'surveys/scales.json': JSON.stringify(SCALES),
    'scales.html': hostPage({ definition: 'surveys/scales.json', endpoint: '/v1/responses' }),
    'post-call.html': hostPage({ survey: 'post-call', endpoint: '/v1/responses' }),
  });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

for (const width of [320, 360, 390, 768]) {
  test(`at ${width} px every scale is one row or a balanced grid, one star, face or number per button`, async () => {
    const page = await newPage(browser, { width, height: 1400 }, { locale: 'en-US' });
    await page.goto(`${collector.url}/scales.html?lang=en`);
    await widgetRunning(page);
    // Stars light up to the chosen one.
    await page.locator('[id$="-q-stars5"] label.sw-choice').nth(2).click();
    await page.screenshot({ path: join(ARTIFACTS, `scales-${width}.png`), fullPage: true });
    const groups = await page.locator('.sw-scale').evaluateAll((gs) => gs.map((g) => {
      const boxes = [...g.children].map((l) => l.getBoundingClientRect());
      const faces = [...g.querySelectorAll('.sw-choice-face')].map((f) => f.getBoundingClientRect().height);
      const rows = {};
      for (const b of boxes) rows[Math.round(b.top)] = (rows[Math.round(b.top)] || 0) + 1;
      return {
        id: g.closest('fieldset').id.replace(/.*-q-/, ''), n: boxes.length, rows: Object.values(rows),
        narrowest: Math.min(...boxes.map((b) => b.width)), right: Math.max(...boxes.map((b) => b.right)),
        tallest: Math.max(...faces),
      };
    }));
    assert.equal(groups.length, 6);
    for (const g of groups) {
      const what = `${g.id} at ${width}px: rows ${g.rows.join('+')}`;
      assert.ok(g.tallest <= 56, `${what}: a button's face wraps (${g.tallest}px tall)`);
      assert.ok(g.narrowest >= 44, `${what}: a button ${g.narrowest}px wide`);
      assert.ok(g.right <= width, `${what}: wider than the viewport`);
      if (g.n <= 6) assert.equal(g.rows.length, 1, `${what}: up to 6 points fit one row at 320px`);
      assert.ok(Math.max(...g.rows) - Math.min(...g.rows) <= 1, `${what}: not balanced`);
    }
    const lit = await page.locator('[id$="-q-stars5"] .sw-star-on').count();
    assert.equal(lit, 3, 'three stars lit after choosing the third');
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  });
}

test('a phone in landscape (740x360) shows the first question without scrolling', async () => {
  const page = await newPage(browser, { width: 740, height: 360 });
  await page.goto(`${collector.url}/`);
  await widgetRunning(page);
  await page.screenshot({ path: join(ARTIFACTS, 'landscape-740x360.png') });
  const m = await page.evaluate(() => {
    const q = document.querySelector('fieldset.sw-q').getBoundingClientRect();
    const lang = [...document.querySelectorAll('.sw-lang-btn')].map((b) => b.getBoundingClientRect().height);
    return { top: q.top, firstRow: document.querySelector('fieldset.sw-q .sw-choice').getBoundingClientRect().bottom, lang };
  });
  assert.ok(m.top <= 130, `the first question starts at ${m.top}px (was 239)`);
  assert.ok(m.firstRow <= 360, `its answers end at ${m.firstRow}px, below the fold`);
  assert.ok(m.lang.every((h) => h >= 44), `language buttons stay 44px targets: ${m.lang}`);
  await page.context().close();
});

/** Relative luminance of a CSS rgb() colour. */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

for (const scheme of ['dark', 'light']) {
  test(`the ${scheme} colour scheme is honoured with AA contrast (axe)`, async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, colorScheme: scheme, bypassCSP: true, locale: 'en-US' });
    const page = await context.newPage();
    const audit = async (where) => {
      await page.evaluate(AXE);
      const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
      return r.violations.map((v) => `${where}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    };
    await page.goto(`${collector.url}/post-call.html?lang=en`, { waitUntil: 'domcontentloaded' });
    await widgetRunning(page);
    const violations = [];
    await page.locator('.sw-btn-primary').click();
    await page.locator('.sw-field-error:not(:empty)').first().waitFor();
    violations.push(...(await audit('errors')));
    await page.locator('[id$="-q-csat"] label.sw-choice').nth(3).click();
    await page.locator('[id$="-q-fcr"] label.sw-choice').nth(1).click();
    await page.waitForTimeout(300);
    violations.push(...(await audit('answered')));
    await page.screenshot({ path: join(ARTIFACTS, `scheme-${scheme}.png`), fullPage: true });
    const bg = await page.locator('.sw').evaluate((e) => getComputedStyle(e).backgroundColor);
    if (scheme === 'dark') assert.ok(luminance(bg) < 0.05, `dark background expected, got ${bg}`);
    else assert.ok(luminance(bg) > 0.9, `light background expected, got ${bg}`);
    assert.deepEqual(violations, []);
    await context.close();
  });
}

for (const motion of ['no-preference', 'reduce']) {
  test(`a required question an answer brings in is scrolled into view (${motion} motion)`, async () => {
    const page = await newPage(browser, { width: 360, height: 640 }, { locale: 'en-US', reducedMotion: motion });
    await page.goto(`${collector.url}/post-call.html?lang=en`);
    await widgetRunning(page);
    await page.locator('[id$="-q-csat"] label.sw-choice').nth(3).click();
    await page.locator('[id$="-q-fcr"] label.sw-choice').nth(1).click(); // No
    const inView = () => page.locator('fieldset[id$="-q-open_issue"]').evaluate((f) => {
      const r = f.getBoundingClientRect();
      return r.top >= -1 && r.bottom <= innerHeight + 1;
    });
    const deadline = Date.now() + (motion === 'reduce' ? 400 : 3000);
    let seen = false;
    while (!seen && Date.now() < deadline) {
      seen = await inView();
      if (!seen) await page.waitForTimeout(50);
    }
    if (motion === 'reduce') await page.screenshot({ path: join(ARTIFACTS, 'revealed-follow-up.png') });
    assert.ok(seen, 'the new required question is in view');
    const moved = await page.evaluate(() => Boolean(document.activeElement?.closest('fieldset[id$="-q-open_issue"]')));
    assert.equal(moved, false, 'focus is not taken away from where the customer is');
    await page.context().close();
  });
}
