// Issue 17, themes everywhere: the script tag's first page (GET /v1/first-page, shown
// while the wasm loads, then taken over) and the floating button with its dialog wear
// the dealer's theme (data-theme-* on the script tag) before the wasm runs and after.
// For each sample theme of the demo pages (static/demo-themes.js), light and dark:
// the primary button's computed colour before the wasm (its request held back) is the
// theme's brand in the light scheme, and the same as the running widget's after; the
// floating button wears it before the wasm is ever asked for; axe finds nothing on
// either. Screenshots go to /tmp/flow-17b-shots/theme-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, PHONE, startCollector, launchBrowser, newPage, makeSite, scriptTagPage } from './support.mjs';

// The demo's themes, as the demo page sets them (its module reads the page it runs in).
globalThis.location ??= { search: '' };
globalThis.document ??= { querySelectorAll: () => [] };
const { THEMES } = await import(join(ROOT, 'static/demo-themes.js'));

const SHOTS = '/tmp/flow-17b-shots';
mkdirSync(SHOTS, { recursive: true });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const attr = (v) => v.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
const themed = (name) => Object.fromEntries(Object.entries(THEMES[name]).map(([k, v]) => [`theme-${k}`, attr(v)]));

let collector;
let browser;
let site;
before(async () => {
  const pages = {};
  for (const name of Object.keys(THEMES)) {
    // Inside the page's main landmark, as a dealer's content is (axe's "region").
    pages[`static/inline-${name}.html`] = scriptTagPage({ survey: 'post-service', endpoint: '/v1/responses', locale: 'zh-CN',
      target: '#survey', ...themed(name) }, '<main><h1>Dealer site</h1><div id="survey"></div></main>');
    pages[`static/button-${name}.html`] = scriptTagPage({ survey: 'post-service', endpoint: '/v1/responses', locale: 'zh-CN',
      display: 'button', label: '评价本次服务', ...themed(name) });
  }
  site = makeSite(pages);
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

/** A page whose wasm request is held until `release()`: the first page alone meanwhile. */
async function open(path, colorScheme) {
  const page = await newPage(browser, PHONE, { colorScheme, bypassCSP: true });
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(`${collector.url}/static/${path}`);
  return { page, release };
}

// The brand colour as the stylesheet resolved it for the element (--sw-brand: the theme's
// or the default, light or dark), not its background, which a hover or a transition
// changes for a moment.
const colour = (locator, prop = '--sw-brand') => locator.evaluate((el, p) => getComputedStyle(el).getPropertyValue(p).trim().toLowerCase(), prop);
async function audit(page, where) {
  await page.evaluate(AXE);
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return r.violations.map((v) => `${where}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const name of Object.keys(THEMES)) {
  for (const scheme of ['light', 'dark']) {
    test(`${name}, ${scheme}: the script tag's first page and the floating button wear the theme before and after the wasm`, async () => {
      const violations = [];
      const brand = THEMES[name].brand;
      const light = scheme === 'light' && THEMES[name].scheme !== 'dark';
      // Inline: the first page, then the running widget.
      const { page, release } = await open(`inline-${name}.html`, scheme);
      const pre = page.locator('[data-sw-prerendered] .sw-btn-primary');
      await pre.waitFor();
      const before = await colour(pre);
      if (light && brand) assert.equal(before, brand.toLowerCase(), 'the first page wears the brand');
      const font = await colour(page.locator('[data-sw-prerendered] .sw'), 'font-family');
      if (THEMES[name].font) assert.match(font, new RegExp(THEMES[name].font.split(',')[0].replaceAll('"', '').trim(), 'i'), 'and the font');
      await page.screenshot({ path: `${SHOTS}/theme-${name}-${scheme}-first-page.png` });
      violations.push(...await audit(page, 'first page'));
      release();
      await page.locator('[data-sw-prerendered]').waitFor({ state: 'detached' });
      const after = await colour(page.locator('form .sw-btn-primary'));
      assert.equal(after, before, 'the running widget wears the same colour');
      await page.screenshot({ path: `${SHOTS}/theme-${name}-${scheme}-running.png` });
      assert.deepEqual(page.consoleErrors, []);
      await page.context().close();

      // The floating button: themed before the wasm is asked for, and its dialog.
      const b = await open(`button-${name}.html`, scheme);
      const launcher = b.page.locator('.sw-launcher');
      await launcher.waitFor();
      if (Object.keys(THEMES[name]).length) {
        await b.page.waitForFunction(() => [...document.querySelectorAll('body > div')].some((d) => d.shadowRoot && d.hasAttribute('data-sw-scheme')));
      }
      const button = await colour(launcher);
      assert.equal(button, before, 'the floating button wears the first page\'s colour');
      if (light && brand) assert.equal(button, brand.toLowerCase());
      await launcher.click();
      const inDialog = b.page.locator('dialog [data-sw-prerendered] .sw-btn-primary');
      await inDialog.waitFor();
      assert.equal(await colour(inDialog), before, 'the dialog\'s first page too');
      await b.page.screenshot({ path: `${SHOTS}/theme-${name}-${scheme}-dialog.png` });
      b.release();
      await b.page.locator('dialog [data-sw-prerendered]').waitFor({ state: 'detached' });
      assert.equal(await colour(b.page.locator('dialog form .sw-btn-primary')), before, 'and the running widget in it');
      violations.push(...await audit(b.page, 'dialog'));
      await b.page.context().close();
      assert.deepEqual(violations, []);
    });
  }
}
