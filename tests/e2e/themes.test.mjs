// Issue 17, themes: the demo's three sample themes (static/demo-themes.js: the current
// blue, an OEM-style red, a premium dark), each in the light and the dark colour scheme,
// with axe finding nothing on the first page of the post-service survey and on a page of
// scales (a 5-star rating, the 0-10 NPS, the 1-7 effort scale); a brand colour white text
// cannot be read on is refused with a console warning naming the attribute, and the
// default used, from a mount point and from the script tag; stars are drawn in SVG and
// named "n of 5". Screenshots of every theme and scheme at 320, 360 and 390 px and on a
// 1280x800 kiosk go to tests/e2e/artifacts/themes/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startCollector, launchBrowser, makeSite, hostPage, scriptTagPage, widgetRunning } from './support.mjs';

const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts/themes');
mkdirSync(ARTIFACTS, { recursive: true });
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const THEMES = ['blue', 'oem-red', 'premium-dark'];
// What each sample theme's primary button must be filled with, light and dark OS scheme.
const PRIMARY = {
  blue: { light: 'rgb(11, 79, 138)', dark: 'rgb(140, 196, 245)' },
  'oem-red': { light: 'rgb(200, 16, 46)', dark: null }, // dark: derived, checked for contrast below
  'premium-dark': { light: 'rgb(212, 175, 55)', dark: 'rgb(212, 175, 55)' },
};

const t = (en, zh = en) => ({ en, 'zh-CN': zh });
const SCALES = {
  format: 'survey-definition/1', id: 'theme-scales', version: 1, default_locale: 'zh-CN', locales: ['zh-CN', 'en'],
  title: t('Service survey', '售后服务满意度调查'),
  pages: [{ id: 'scales', title: t('Your visit', '您的到店体验'), questions: [
    { id: 'stars', text: t('How many stars overall?', '总体给几颗星？'), input: {
      type: 'rating', points: 5, presentation: 'stars', low: t('Poor', '很差'), high: t('Excellent', '极好') } },
    { id: 'nps', text: t('Would you recommend us to a friend?', '您有多大可能向朋友推荐我们？'), input: {
      type: 'nps', low: t('Not at all likely', '完全不可能'), high: t('Extremely likely', '极有可能') } },
    { id: 'effort', text: t('How easy was it to get your car serviced?', '这次保养办理起来有多容易？'), input: {
      type: 'rating', points: 7, low: t('Very hard', '非常困难'), high: t('Very easy', '非常容易') } },
  ] }],
};

/** A host page that takes the sample theme from ?theme=, as the demo's index.html does. */
const themed = (attrs) => hostPage(attrs).replace('<script type="module" src="static/boot.js">',
  '<script type="module" src="static/demo-themes.js"></script><script type="module" src="static/boot.js">');

let site;
let collector;
let browser;
before(async () => {
  site = makeSite({
    'surveys/scales.json': JSON.stringify(SCALES),
    'scales.html': themed({ definition: 'surveys/scales.json', endpoint: '/v1/responses' }),
    'kiosk-scales.html': themed({ definition: 'surveys/scales.json', endpoint: '/v1/responses', mode: 'kiosk' }),
    'low-contrast.html': hostPage({ survey: 'post-service', endpoint: '/v1/responses', 'theme-brand': '#ffdd00', 'theme-radius': '12' }),
    'static/low-contrast-tag.html': scriptTagPage({ survey: 'post-call', endpoint: '/v1/responses', locale: 'en', 'theme-brand': '#ffdd00' }),
  });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

async function open(url, { viewport = { width: 360, height: 740 }, scheme = 'light', locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({ viewport, colorScheme: scheme, bypassCSP: true, locale });
  const page = await context.newPage();
  page.warnings = [];
  page.errors = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') page.warnings.push(m.text());
    if (m.type() === 'error') page.errors.push(m.text());
  });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return page;
}

async function axe(page, where) {
  await page.evaluate(AXE);
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return r.violations.map((v) => `${where}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** WCAG relative luminance and contrast of CSS rgb() colours. */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a, b) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

for (const theme of THEMES) {
  for (const scheme of ['light', 'dark']) {
    test(`sample theme ${theme}, ${scheme} scheme: applied, AA contrast, axe finds nothing`, async () => {
      const page = await open(`${collector.url}/?theme=${theme}`, { scheme });
      await widgetRunning(page);
      const violations = await axe(page, 'first page');
      const look = await page.locator('.sw').evaluate((sw) => {
        const primary = getComputedStyle(sw.querySelector('.sw-btn-primary'));
        return {
          bg: getComputedStyle(sw).backgroundColor, fill: primary.backgroundColor, text: primary.color,
          logo: sw.querySelector('.sw-logo')?.alt ?? null, font: getComputedStyle(sw).fontFamily,
        };
      });
      const want = PRIMARY[theme][scheme];
      if (want) assert.equal(look.fill, want, 'the primary button has the theme\'s colour');
      assert.ok(contrast(look.fill, look.text) >= 4.5, `text on the button ${contrast(look.fill, look.text)}:1`);
      const dark = scheme === 'dark' || theme === 'premium-dark';
      assert.equal(luminance(look.bg) < 0.05, dark, `a ${dark ? 'dark' : 'light'} background, got ${look.bg}`);
      assert.equal(look.logo, { blue: null, 'oem-red': '东方汽车 Dongfang Motors', 'premium-dark': 'Aurum Motors' }[theme]);
      if (theme === 'premium-dark') assert.match(look.font, /^Georgia/);
      // A page of scales, answered, for axe and the pictures.
      await page.goto(`${collector.url}/scales.html?theme=${theme}`, { waitUntil: 'domcontentloaded' });
      await widgetRunning(page);
      await page.getByRole('radio', { name: /^4 of 5/ }).check();
      await page.locator('[id$="-q-nps"] label.sw-choice').nth(9).click();
      await page.locator('[id$="-q-effort"] label.sw-choice').nth(5).click();
      violations.push(...(await axe(page, 'scales')));
      assert.deepEqual(violations, []);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.warnings, [], 'a sample theme passes every check');
      await page.context().close();
    });
  }
}

test('screenshots: every sample theme, light and dark, at 320, 360, 390 px and on a 1280x800 kiosk', async () => {
  for (const theme of THEMES) {
    for (const scheme of ['light', 'dark']) {
      for (const width of [320, 360, 390]) {
        const page = await open(`${collector.url}/scales.html?theme=${theme}`, { viewport: { width, height: 740 }, scheme });
        await widgetRunning(page);
        await page.getByRole('radio', { name: /^4 of 5/ }).check();
        await page.locator('[id$="-q-nps"] label.sw-choice').nth(9).click();
        await page.locator('[id$="-q-effort"] label.sw-choice').nth(5).click();
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= width, `${theme} ${scheme} ${width}: the page scrolls sideways (${wide}px)`);
        await page.waitForTimeout(400); // the chosen answers' colour transitions (.15s) end
        await page.screenshot({ path: join(ARTIFACTS, `${theme}-${scheme}-${width}.png`), fullPage: true });
        await page.context().close();
      }
      const page = await open(`${collector.url}/kiosk-scales.html?theme=${theme}`, { viewport: { width: 1280, height: 800 }, scheme });
      await page.locator('.sw-kiosk-start').waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `${theme}-${scheme}-kiosk-welcome.png`) });
      await page.locator('.sw-kiosk-start').click();
      await page.getByRole('radio', { name: /^5 of 5/ }).check();
      await page.locator('[id$="-q-nps"] label.sw-choice').nth(10).click();
      await page.locator('[id$="-q-effort"] label.sw-choice').nth(6).click();
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(ARTIFACTS, `${theme}-${scheme}-kiosk.png`) });
      await page.context().close();
    }
  }
});

test('a brand colour white text cannot be read on is refused: a warning names the attribute, the default is used', async () => {
  const page = await open(`${collector.url}/low-contrast.html`);
  await widgetRunning(page);
  await page.locator('.sw-btn-primary').waitFor();
  const warning = '[survey-widget] data-theme-brand="#ffdd00": white text on it is 1.34:1, AA needs 4.5:1; using the default';
  assert.deepEqual(page.warnings, [warning]);
  const look = await page.locator('.sw-btn-primary').evaluate((b) => ({
    fill: getComputedStyle(b).backgroundColor, radius: getComputedStyle(b).borderTopLeftRadius,
  }));
  assert.equal(look.fill, 'rgb(11, 79, 138)', 'the default blue, not the yellow');
  assert.equal(look.radius, '12px', 'the rest of the theme still applies');
  assert.deepEqual(await axe(page, 'refused theme'), []);
  await page.context().close();

  // The script tag: the same attribute, read by the loader, inside a shadow root.
  const tag = await open(`${collector.url}/static/low-contrast-tag.html`);
  // The widget itself, not the first page the loader shows from /v1/first-page before it.
  await widgetRunning(tag);
  await tag.locator('.sw-btn-primary').waitFor();
  assert.deepEqual(tag.warnings, [warning]);
  assert.equal(await tag.locator('.sw-btn-primary').evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(11, 79, 138)');
  await tag.context().close();
});

test('SurveyWidget.mount({theme}) is read through the same list: a good brand applied, a bad one named', async () => {
  const page = await open(`${collector.url}/static/low-contrast-tag.html`);
  await page.locator('.sw-btn-primary').waitFor();
  const result = await page.evaluate(async () => {
    const host = document.createElement('div');
    document.body.append(host);
    window.SurveyWidget.mount(host, { survey: 'post-call', endpoint: '/v1/responses', locale: 'en', theme: { brand: '#c8102e', radius: 0, accent: '#ffbf47' } });
    for (let i = 0; i < 200 && !host.shadowRoot.querySelector('.sw-btn-primary'); i++) await new Promise((r) => setTimeout(r, 25));
    const b = getComputedStyle(host.shadowRoot.querySelector('.sw-btn-primary'));
    return { fill: b.backgroundColor, radius: b.borderTopLeftRadius };
  });
  assert.deepEqual(result, { fill: 'rgb(200, 16, 46)', radius: '0px' });
  assert.ok(page.warnings.includes('[survey-widget] theme.accent="#ffbf47": against the white background it is 1.64:1, AA needs 3:1; using the default'),
    page.warnings.join('\n'));
  await page.context().close();
});

test('stars are drawn in SVG and named by their number out of five', async () => {
  const page = await open(`${collector.url}/scales.html?lang=en`, { locale: 'en-US' });
  await widgetRunning(page);
  const stars = page.locator('[id$="-q-stars"]');
  for (let n = 1; n <= 5; n++) await stars.getByRole('radio', { name: new RegExp(`^${n} of 5`) }).waitFor({ state: 'attached' });
  assert.equal(await stars.getByRole('radio', { name: '1 of 5 – Poor' }).count(), 1);
  const drawn = await stars.evaluate((f) => ({
    svg: f.querySelectorAll('svg.sw-star').length, glyphs: (f.textContent.match(/★/g) || []).length,
  }));
  assert.deepEqual(drawn, { svg: 5, glyphs: 0 });
  await stars.getByRole('radio', { name: /^3 of 5/ }).check();
  assert.equal(await stars.locator('.sw-star-on').count(), 3, 'lit up to the chosen star');
  await page.context().close();
});
