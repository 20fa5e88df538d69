// Issue 7: the widget at 200% text size and with prefers-reduced-motion.
//
// Text size is raised the way a reader does it, with the browser's default font size
// (Chromium's "Font size" setting, 16px -> 32px, written into a fresh profile's
// Preferences), not a CSS transform or page zoom: only what the CSS sizes relative to
// it grows. (CDP Page.setFontSizes is no substitute: Chromium drops it again on the
// first screenshot.) At 360x740
// and 320x640, in en and zh-CN, every page of post-service (with its errors, the
// follow-up with the contact fields open, and the thank-you) must have the widget's
// text really doubled, nothing wider than the viewport or spilling out of its box, no
// text boxes overlapping, every touch target at least 44px, and the survey must still
// complete and reach the collector. Screenshots go to tests/e2e/artifacts/.
//
// Reduced motion: with prefers-reduced-motion: reduce no widget element (pseudo
// elements and the progress bar's value included) has a transition or animation, a
// click starts none, and focus still moves to each new page's heading; with
// no-preference the same checks do find motion, so they can fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, PHONE, startCollector, launchBrowser, newPage, answerPageWithFirstOptions, completeSurvey, widgetRunning, makeSite, scriptTagPage } from './support.mjs';

const ARTIFACTS = join(ROOT, 'tests/e2e/artifacts');
mkdirSync(ARTIFACTS, { recursive: true });
const SMALL_PHONE = { width: 320, height: 640 };
const KIOSK = { width: 1280, height: 800 };
const TARGET = 44;

let collector;
let browser;
let profile;
let bigText;
let site;
before(async () => {
  site = makeSite({
    'static/t-button.html': scriptTagPage({ survey: 'post-call', endpoint: '/v1/responses', locale: 'en', display: 'button' }),
  });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
  bigText = await launchWithTextSize(2);
});
after(async () => {
  await bigText?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await browser?.close();
  await collector?.stop();
  site?.cleanup();
});

/**
 * Chromium whose profile says "default font size 16 * scale px" (fixed 13 * scale), as
 * chrome://settings/fonts would store it; same binary and flags as launchBrowser().
 */
async function launchWithTextSize(scale) {
  profile = mkdtempSync(join(tmpdir(), 'survey-e2e-profile-'));
  mkdirSync(join(profile, 'Default'));
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({
    webkit: { webprefs: { default_font_size: 16 * scale, default_fixed_font_size: 13 * scale } },
  }));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'en-US',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** A tab of the big-text browser at this viewport, recording console errors like newPage(). */
async function openWithBigText(viewport, url) {
  const page = await bigText.newPage();
  await page.setViewportSize(viewport);
  page.consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await widgetRunning(page);
  return page;
}

/**
 * Measures the widget as laid out now. Returns problems (readable strings) and the
 * numbers behind them: document and viewport width, the smallest target, font sizes.
 */
function measureLayout(page, { wholeWords = false } = {}) {
  return page.evaluate(([TARGET, wholeWords]) => {
    const vw = document.documentElement.clientWidth;
    const problems = [];
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`
      + ` "${(el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 24)}"`;
    const shown = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.sw-visually-hidden');
    };
    const all = (sel) => [...document.querySelectorAll(sel)].filter(shown);
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > vw) problems.push(`document scrolls sideways: scrollWidth ${scrollWidth} > ${vw}`);

    // Nothing of the widget outside the viewport, nothing spilling out of its own box.
    let maxRight = 0;
    for (const el of all('.sw, .sw [class*="sw-"], .sw button, .sw input, .sw textarea, .sw label, .sw progress, .sw a, .sw h2')) {
      const r = el.getBoundingClientRect();
      maxRight = Math.max(maxRight, r.right);
      if (r.left < -0.5 || r.right > vw + 0.5) problems.push(`${name(el)} outside the viewport: ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
      if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) problems.push(`${name(el)} content ${el.scrollWidth}px wider than its box ${el.clientWidth}px`);
    }

    // Touch targets: everything one taps.
    let minTarget = { w: Infinity, h: Infinity };
    for (const el of all('.sw label.sw-choice, .sw button, .sw label.sw-check, .sw .sw-text, .sw a[href]')) {
      const r = el.getBoundingClientRect();
      minTarget = { w: Math.min(minTarget.w, r.width), h: Math.min(minTarget.h, r.height) };
      if (r.width < TARGET - 0.5 || r.height < TARGET - 0.5) problems.push(`${name(el)} target ${r.width.toFixed(1)}x${r.height.toFixed(1)} < ${TARGET}px`);
    }

    // Text boxes must not overlap one another (an element may of course hold another).
    const blocks = all(['.sw-title', '.sw-lang-btn', '.sw-progress-label', '.sw-progress progress', '.sw-page-title', '.sw-status:not(:empty)',
      '.sw-legend', '.sw-item-legend', 'label.sw-choice', '.sw-ends > *', '.sw-field-error', '.sw-text', '.sw-count', '.sw-check',
      '.sw-contact-field label', '.sw-btn', '.sw-done h2', '.sw-done p', '.sw-done-mark'].map((s) => `.sw ${s}`).join(', '));
    for (let i = 0; i < blocks.length; i++) {
      const a = blocks[i].getBoundingClientRect();
      for (let j = i + 1; j < blocks.length; j++) {
        if (blocks[i].contains(blocks[j]) || blocks[j].contains(blocks[i])) continue;
        const b = blocks[j].getBoundingClientRect();
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 1 && y > 1) problems.push(`${name(blocks[i])} overlaps ${name(blocks[j])} by ${x.toFixed(0)}x${y.toFixed(0)}`);
      }
    }
    // English words are never broken inside: a label on more lines than it has words
    // was cut mid-word (overflow-wrap's last resort, as "Not applicable" was at 360px).
    if (wholeWords) {
      for (const el of all('.sw-title, .sw-lang-btn, .sw-page-title, .sw-legend, .sw-item-legend, .sw-choice-face, .sw-ends > *, .sw-btn, .sw-check')) {
        // Only the text one sees (not a visually hidden screen-reader text inside).
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        const bottoms = new Set();
        let text = '';
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (n.parentElement.closest('.sw-visually-hidden') || !n.textContent.trim()) continue;
          text += ` ${n.textContent}`;
          const range = document.createRange();
          range.selectNodeContents(n);
          for (const r of range.getClientRects()) if (r.width > 0) bottoms.add(Math.round(r.bottom));
        }
        const lines = bottoms.size;
        const words = text.trim().split(/\s+/).length;
        if (lines > words) problems.push(`${name(el)} broken inside a word: ${lines} lines for ${words} word(s)`);
      }
    }
    const px = (sel) => { const el = document.querySelector(sel); return el ? parseFloat(getComputedStyle(el).fontSize) : null; };
    return {
      problems, vw, scrollWidth, maxRight: Math.round(maxRight), minTarget,
      fonts: { root: px(':root'), widget: px('.sw'), legend: px('.sw-legend'), option: px('.sw-choice-face'), button: px('.sw-btn') },
    };
  }, [TARGET, wholeWords]);
}

/**
 * Walks every page of post-service in `lang` on `page` (text at `scale` x 16px): measures
 * each page fresh, with its errors, with the contact fields open, and the thank-you;
 * screenshots each; completes it. Returns the problems found and the numbers seen.
 */
async function walkSurvey(page, { lang, size, scale }) {
  const font = 16 * scale;
  const shot = (what) => page.screenshot({ path: join(ARTIFACTS, `text${scale * 100}-${lang}-${size}-${what}.png`), fullPage: true });
  const problems = [];
  const seen = { pages: 0, fonts: null, maxScrollWidth: 0, maxRight: 0, minTargetW: Infinity, minTargetH: Infinity };
  const check = async (where) => {
    const m = await measureLayout(page, { wholeWords: scale === 1 && lang === 'en' });
    problems.push(...m.problems.map((p) => `${where}: ${p}`));
    // The text really is at the size asked for, on every page: the setting held, and the widget follows it.
    if (m.fonts.root !== font || m.fonts.widget < font) problems.push(`${where}: text not at ${scale * 100}%: ${JSON.stringify(m.fonts)}`);
    seen.fonts ??= m.fonts;
    seen.maxScrollWidth = Math.max(seen.maxScrollWidth, m.scrollWidth);
    seen.maxRight = Math.max(seen.maxRight, m.maxRight);
    seen.minTargetW = Math.min(seen.minTargetW, m.minTarget.w);
    seen.minTargetH = Math.min(seen.minTargetH, m.minTarget.h);
  };
  await check('page 1');
  // The error state adds text: press Next on the empty first page.
  await page.locator('.sw-btn-primary').click();
  await page.locator('.sw-field-error:not(:empty)').first().waitFor();
  await check('page 1 errors');
  await shot('p1-errors');
  for (let n = 1; n < 20; n++) {
    if (await page.locator('.sw-done').count()) break;
    seen.pages = n;
    if (n > 1) await check(`page ${n}`);
    await shot(`p${n}`);
    const consent = page.locator('.sw-check input[type=checkbox]');
    if (await consent.count()) {
      // The contact fields open under the consent box; measure them, then close again.
      await consent.check();
      await page.locator('.sw-contact-field').first().waitFor();
      await check(`page ${n} contact open`);
      await shot(`p${n}-contact`);
      await consent.uncheck();
    }
    await answerPageWithFirstOptions(page);
    await page.locator('.sw-page-title, .sw-done').first().waitFor();
  }
  await page.locator('.sw-done').waitFor();
  await check('thank-you');
  await shot('done');
  return { problems, seen };
}

const runs = [
  ...[['360x740', PHONE], ['320x640', SMALL_PHONE]].flatMap(([size, viewport]) => ['en', 'zh-CN'].map((lang) => ({ size, viewport, lang, scale: 2 }))),
  // The baseline at the normal size: the smallest phone (the NPS grid overflowed even
  // here), and 360 px, where three buttons in a row cut "applicable" in two.
  { size: '320x640', viewport: SMALL_PHONE, lang: 'en', scale: 1 },
  { size: '360x740', viewport: PHONE, lang: 'en', scale: 1 },
];
for (const { size, viewport, lang, scale } of runs) {
  test(`${scale * 100}% text: every page of post-service in ${lang} at ${size} fits, does not overlap, and completes`, async (t) => {
    const rowsBefore = collector.rows().length;
    const url = `${collector.url}/?survey=post-service&lang=${lang}`;
    let page;
    if (scale === 2) {
      page = await openWithBigText(viewport, url);
    } else {
      page = await newPage(browser, viewport, { locale: 'en-US' });
      await page.goto(url);
      await widgetRunning(page);
    }
    const { problems, seen } = await walkSurvey(page, { lang, size, scale });
    t.diagnostic(`fonts (px): ${JSON.stringify(seen.fonts)}`);
    t.diagnostic(`${seen.pages} pages; widest document ${seen.maxScrollWidth}px, rightmost edge ${seen.maxRight}px of ${viewport.width}; `
      + `smallest target ${seen.minTargetW.toFixed(1)}px wide, ${seen.minTargetH.toFixed(1)}px high`);
    assert.deepEqual(problems, []);
    assert.ok(seen.fonts.legend >= 16 * scale && seen.fonts.option >= 16 * scale && seen.fonts.button >= 16 * scale, JSON.stringify(seen.fonts));
    assert.ok(seen.pages >= 8, `went through the pages (${seen.pages})`);
    const rows = collector.rows();
    assert.equal(rows.length, rowsBefore + 1, 'the response reached the collector');
    assert.equal(rows.at(-1).survey_id, 'post-service');
    assert.equal(rows.at(-1).locale, lang);
    assert.deepEqual(page.consoleErrors, []);
    await (scale === 2 ? page.close() : page.context().close());
  });
}

test('200% text: the kiosk at 1280x800, welcome screen and every page, fits and completes', async (t) => {
  const rowsBefore = collector.rows().length;
  const page = await openWithBigText(KIOSK, `${collector.url}/static/kiosk.html?lang=en`);
  const welcome = await measureLayout(page);
  const font = await page.locator('.sw-kiosk .sw').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  t.diagnostic(`kiosk text ${font}px (20px at 100%)`);
  assert.equal(font, 40, 'the kiosk text follows the text size setting');
  await page.screenshot({ path: join(ARTIFACTS, 'text200-en-kiosk-welcome.png') });
  await page.locator('.sw-kiosk-start').click();
  await page.locator('.sw-page-title').waitFor();
  const { problems, seen } = await walkSurvey(page, { lang: 'en', size: 'kiosk', scale: 2 });
  t.diagnostic(`${seen.pages} pages; widest document ${seen.maxScrollWidth}px; smallest target ${seen.minTargetW.toFixed(1)}x${seen.minTargetH.toFixed(1)}px`);
  assert.deepEqual([...welcome.problems.map((p) => `welcome: ${p}`), ...problems], []);
  assert.ok(seen.pages >= 8, `went through the pages (${seen.pages})`);
  assert.equal(collector.rows().length, rowsBefore + 1, 'the response reached the collector');
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test('200% text: the floating button and its dialog at 360 and 320 wide', async (t) => {
  for (const viewport of [PHONE, SMALL_PHONE]) {
    const page = await bigText.newPage();
    await page.setViewportSize(viewport);
    await page.goto(`${collector.url}/static/t-button.html`, { waitUntil: 'domcontentloaded' });
    const button = page.locator('.sw-launcher');
    await button.waitFor();
    const rect = (el) => {
      const r = el.getBoundingClientRect();
      return { font: parseFloat(getComputedStyle(el).fontSize), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
        w: r.width, h: r.height, vw: document.documentElement.clientWidth, vh: innerHeight, scroll: el.scrollWidth, client: el.clientWidth };
    };
    const b = await button.evaluate(rect);
    t.diagnostic(`${viewport.width}px: button ${b.w.toFixed(0)}x${b.h.toFixed(0)} at ${b.font}px`);
    assert.equal(b.font, 32, 'the button text follows the text size');
    assert.ok(b.left >= 0 && b.right <= b.vw && b.top >= 0 && b.bottom <= b.vh, `button inside the viewport: ${JSON.stringify(b)}`);
    assert.ok(b.w >= TARGET && b.h >= TARGET, JSON.stringify(b));
    await button.click();
    await page.locator('dialog.sw-dialog .sw-page-title').waitFor();
    const d = await page.locator('dialog.sw-dialog').evaluate(rect);
    const close = await page.locator('.sw-dialog-close').evaluate(rect);
    const sw = await page.locator('dialog.sw-dialog .sw').evaluate(rect);
    await page.screenshot({ path: join(ARTIFACTS, `text200-en-${viewport.width}-dialog.png`) });
    assert.ok(d.left >= 0 && d.right <= d.vw, `dialog inside the viewport: ${JSON.stringify(d)}`);
    assert.ok(sw.scroll <= sw.client + 1, `nothing in the dialog wider than it: ${JSON.stringify(sw)}`);
    assert.equal(close.font, 32, 'Close follows the text size');
    assert.equal(sw.font, 32, 'the survey in the dialog follows the text size');
    await page.close();
  }
});

/**
 * Every transition or animation a widget element (or its ::before / ::after, or the
 * progress bar's value, which lives in Chromium's user-agent shadow DOM and is read
 * through CDP) has right now, as readable strings.
 */
async function motion(page, cdp) {
  const found = await page.evaluate(() => {
    const out = [];
    const seconds = (list) => Math.max(...list.split(',').map((d) => (d.trim().endsWith('ms') ? parseFloat(d) / 1000 : parseFloat(d) || 0)));
    const sw = document.querySelector('.sw');
    for (const el of [sw, ...sw.querySelectorAll('*')]) {
      for (const pseudo of [null, '::before', '::after']) {
        const s = getComputedStyle(el, pseudo);
        if (pseudo && s.content === 'none') continue;
        const what = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}${pseudo ?? ''}`;
        if (s.transitionProperty !== 'none' && seconds(s.transitionDuration) > 0) out.push(`${what} transition ${s.transitionDuration}`);
        if (s.animationName !== 'none' && seconds(s.animationDuration) > 0) out.push(`${what} animation ${s.animationName} ${s.animationDuration}`);
      }
    }
    return out;
  });
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const values = [];
  const walk = (n) => {
    const attrs = n.attributes ?? []; // name, value, name, value...
    const at = attrs.findIndex((a, i) => i % 2 === 0 && a === 'pseudo');
    if (at >= 0 && attrs[at + 1] === '-webkit-progress-value') values.push(n.nodeId);
    for (const k of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) walk(k);
  };
  walk(root);
  if (await page.locator('.sw progress').count()) assert.ok(values.length >= 1, 'found the progress bar value');
  for (const nodeId of values) {
    const { computedStyle } = await cdp.send('CSS.getComputedStyleForNode', { nodeId });
    const get = (p) => computedStyle.find((c) => c.name === p)?.value;
    if (get('transition-property') !== 'none' && parseFloat(get('transition-duration')) > 0) {
      found.push(`progress::-webkit-progress-value transition ${get('transition-duration')}`);
    }
  }
  return found;
}

/** Ticks the first option of the first unanswered radio group in a script, then lists the running animations. */
function animationsOnClick(page) {
  return page.evaluate(() => {
    const input = [...document.querySelectorAll('.sw label.sw-choice input[type=radio]')]
      .find((i) => !document.querySelector(`input[name="${i.name}"]:checked`));
    if (!input) return null;
    input.closest('label').click();
    return document.getAnimations().map((a) => `${a.constructor.name} ${a.transitionProperty ?? a.animationName ?? ''} on ${a.effect?.target?.className}`);
  });
}

async function openWithMotion(reducedMotion) {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  await page.emulateMedia({ reducedMotion });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  await page.goto(`${collector.url}/?survey=post-service&lang=en`);
  await widgetRunning(page);
  return { page, cdp };
}

test('reduced motion: nothing transitions or animates, and focus still moves to each new heading', async (t) => {
  const rowsBefore = collector.rows().length;
  const { page, cdp } = await openWithMotion('reduce');
  assert.equal(await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches), true);
  const moving = [];
  const headings = [];
  for (let n = 1; n < 20; n++) {
    if (await page.locator('.sw-done').count()) break;
    moving.push(...(await motion(page, cdp)).map((m) => `page ${n}: ${m}`));
    const started = await animationsOnClick(page);
    if (started?.length) moving.push(`page ${n}: a click started ${started.join(', ')}`);
    await answerPageWithFirstOptions(page);
    await page.waitForFunction(() => document.activeElement?.matches('.sw-page-title') || document.querySelector('.sw-done'),
      null, { timeout: 3000 }).catch(() => {});
    if (await page.locator('.sw-done').count()) break;
    const focused = await page.evaluate(() => ({ tag: document.activeElement?.tagName, text: document.activeElement?.innerText }));
    assert.equal(focused.tag, 'H2', `after Next on page ${n} focus is on the new page's heading`);
    assert.equal(focused.text, await page.locator('.sw-page-title').innerText());
    assert.notEqual(focused.text, headings.at(-1), 'a new page');
    headings.push(focused.text);
  }
  await page.locator('.sw-done').waitFor();
  moving.push(...(await motion(page, cdp)).map((m) => `thank-you: ${m}`));
  t.diagnostic(`focus moved to: ${headings.join(' / ')}`);
  assert.deepEqual(moving, []);
  assert.ok(headings.length >= 8, headings.join(' / '));
  assert.equal(collector.rows().length, rowsBefore + 1, 'the response reached the collector');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('no motion preference: the same checks do find the transitions (so the test above can fail)', async (t) => {
  const { page, cdp } = await openWithMotion('no-preference');
  const found = await motion(page, cdp);
  t.diagnostic(`with no preference: ${[...new Set(found)].join('; ')}`);
  assert.ok(found.some((f) => f.includes('.sw-choice-face transition')), found.join('\n'));
  assert.ok(found.some((f) => f.startsWith('progress::-webkit-progress-value transition')), found.join('\n'));
  const started = await animationsOnClick(page);
  assert.ok(started.length >= 1, 'a click on an option starts its colour transition');
  t.diagnostic(`a click started: ${started.join(', ')}`);
  // The same page, switched to reduce: all of it is gone at once.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  assert.deepEqual(await motion(page, cdp), []);
  await completeSurvey(page);
  await page.locator('.sw-done').waitFor();
  await page.context().close();
});
