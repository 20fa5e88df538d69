#!/usr/bin/env node
// Benchmark (issue 17): the question flow's transition, tap → next question visible, on
// an emulated mid-range phone (360x740, CPU 4x slower), median of N taps on the
// post-service ratings; with motion (the chosen answer stays in view ~250 ms, then the
// next question slides in) and with prefers-reduced-motion (no wait, no slide); and, for
// comparison, the page flow's Next → next page. "Visible" is the second animation frame
// after the new screen is in the DOM (it has been painted once). Prints the medians; a
// benchmark, not a test: it exits 0 whatever the numbers. Needs `scripts/build` first.
import { launchBrowser, startCollector, PHONE } from '../tests/e2e/support.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const RUNS = at >= 0 ? Number(args[at + 1]) : 9;
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 9) {
  console.error('--runs must be an integer from 1 to 9 (the post-service survey has nine ratings in a row)');
  process.exit(2);
}
const CPU_RATE = 4;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** In the page: resolves with ms from the next pointerdown to the new screen painted. */
function armTimer() {
  window.__took = new Promise((resolve) => {
    let t0 = null;
    const key = () => {
      const f = document.querySelector('form.sw-form');
      return f ? `${f.dataset.swScreen ?? ''}|${document.querySelector('.sw-progress-label')?.textContent}` : 'done';
    };
    const from = key();
    document.addEventListener('pointerdown', (e) => { t0 = e.timeStamp; }, { capture: true, once: true });
    const obs = new MutationObserver(() => {
      if (t0 === null || key() === from) return;
      obs.disconnect();
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
    });
    obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

async function measure(browser, collector, flow, reducedMotion) {
  const page = await (await browser.newContext({ viewport: PHONE, locale: 'zh-CN' })).newPage();
  await page.emulateMedia({ reducedMotion });
  await page.goto(`${collector.url}/?lang=zh-CN&flow=${flow}`, { waitUntil: 'domcontentloaded' });
  await page.locator('form.sw-form').waitFor();
  await page.locator('[data-sw-prerendered]').waitFor({ state: 'detached' });
  // Past the process items (two checklists, or two pages) to the ratings.
  for (let i = 0; i < 2; i++) {
    for (const q of await page.locator('fieldset.sw-q').all()) await q.locator('label.sw-choice').first().click();
    const before = await page.locator('.sw-progress-label').innerText();
    await page.locator('.sw-btn-primary').click();
    await page.waitForFunction((b) => document.querySelector('.sw-progress-label')?.textContent !== b, before);
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_RATE });
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    await page.evaluate(armTimer);
    if (flow === 'question') {
      await page.locator('.sw-screen .sw-choices').first().locator('label.sw-choice').last().click();
    } else {
      // The page flow: answer the page, then time Next.
      for (const q of await page.locator('fieldset.sw-q').all()) await q.locator('label.sw-choice').last().click();
      await page.locator('.sw-btn-primary').click();
    }
    times.push(await page.evaluate(() => window.__took));
    // A reader takes a moment on the new question (and a tap this soon would be dropped).
    await page.waitForTimeout(500);
    if (flow === 'page' && i >= 3) break; // the page flow has four rating pages in a row
  }
  await page.context().close();
  return times;
}

const collector = await startCollector();
const browser = await launchBrowser();
try {
  const rows = [];
  for (const [flow, reducedMotion, what] of [
    ['question', 'no-preference', 'question flow: tap → next question'],
    ['question', 'reduce', 'question flow, reduced motion'],
    ['page', 'no-preference', 'page flow: tap Next → next page'],
  ]) {
    const times = await measure(browser, collector, flow, reducedMotion);
    rows.push([what, times.length, median(times), Math.min(...times), Math.max(...times)]);
  }
  console.log(`Transition, emulated phone (360x740, CPU ${CPU_RATE}x slower), ms:`);
  console.log('what                                   n  median     min     max');
  for (const [what, n, med, min, max] of rows) {
    console.log(`${what.padEnd(36)} ${String(n).padStart(3)} ${med.toFixed(0).padStart(7)} ${min.toFixed(0).padStart(7)} ${max.toFixed(0).padStart(7)}`);
  }
} finally {
  await browser.close();
  await collector.stop();
}
