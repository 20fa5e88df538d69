#!/usr/bin/env node
// Benchmark (issue 17): the 90-second scripted customer. A delighted customer walks the
// happy post-service path (tests/e2e/taps.mjs, POLICIES.happy: yes, the top of every
// scale, NPS 10, nothing typed, "All yes" on each checklist) in zh-CN on an emulated
// mid-range phone (360x740, CPU 4x slower, as bench/flow.mjs), in both flows, with a
// stated human model:
//   - reading: every question text on a screen (legends and field labels, not the
//     answers' own words) at READ_CPS Chinese characters a second, before the first tap;
//   - deciding and tapping: TAP_MS before every tap (a choice, All yes, Next, Submit).
// The human model's time is slept, so it is known exactly; the rest of the wall-clock
// time is the widget's own (its transitions, the wait for the next screen, the send and
// the thank-you) plus the driver's round trips (each Playwright click, the walker's
// 25 ms polling and 50 ms look before pressing Next): an upper bound of the widget's share.
// Prints seconds per flow; a benchmark, not a test: it exits 0 whatever the numbers.
// Needs `scripts/build` first. `--runs N` (1–5) walks each flow N times, median reported.
import { launchBrowser, startCollector, PHONE } from '../tests/e2e/support.mjs';
import { POLICIES, inputs, walk } from '../tests/e2e/taps.mjs';

const READ_CPS = 15;
const TAP_MS = 600;
const CPU_RATE = 4;

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const RUNS = at >= 0 ? Number(args[at + 1]) : 1;
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 5) {
  console.error('--runs must be an integer from 1 to 5');
  process.exit(2);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function customer(browser, collector, flow, run) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_RATE });
  let reading = 0;
  let deciding = 0;
  const onScreen = async (here) => {
    const text = (await here.locator('legend, .sw-q label:not(.sw-choice)').allInnerTexts()).join('');
    const chars = [...text.replace(/[\s*]/g, '')].length;
    const ms = (chars / READ_CPS) * 1000;
    reading += ms;
    await sleep(ms);
  };
  const beforeTap = async () => { deciding += TAP_MS; await sleep(TAP_MS); };
  // The clock starts when the first question can be answered (the page has loaded and
  // the wasm runs) and stops at the thank-you.
  await page.goto(`${collector.url}/?lang=zh-CN&flow=${flow}&dealer=D-BENCH&ro=RO-BENCH-${flow}-${run}`);
  await page.locator('form.sw-form').waitFor();
  await page.locator('[data-sw-prerendered]').waitFor({ state: 'detached' });
  const t0 = performance.now();
  const counts = await walk(page, page, POLICIES.happy, inputs('post-service'), { onScreen, beforeTap, settle: 0 });
  await page.locator('.sw-done').waitFor();
  const total = performance.now() - t0;
  await context.close();
  return { ...counts, total, human: reading + deciding, reading, deciding };
}

const collector = await startCollector();
const browser = await launchBrowser();
try {
  const rows = [];
  for (const flow of ['question', 'page']) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await customer(browser, collector, flow, i));
    const m = (f) => median(runs.map(f)) / 1000;
    rows.push({ flow, taps: runs[0].taps, screens: runs[0].screens, total: m((r) => r.total),
      human: m((r) => r.human), reading: m((r) => r.reading), deciding: m((r) => r.deciding),
      widget: m((r) => r.total - r.human) });
  }
  console.log(`Scripted customer, happy post-service in zh-CN, 360x740, CPU ${CPU_RATE}x slower, median of ${RUNS}:`);
  console.log(`human model: reading ${READ_CPS} Chinese characters/s of question text, ${TAP_MS} ms to decide and tap`);
  console.log('flow       taps  screens   total s   human s (read + tap)   widget+driver s');
  for (const r of rows) {
    console.log(`${r.flow.padEnd(9)} ${String(r.taps).padStart(5)} ${String(r.screens).padStart(8)} ${r.total.toFixed(1).padStart(9)} `
      + `${r.human.toFixed(1).padStart(9)} (${r.reading.toFixed(1)} + ${r.deciding.toFixed(1)}) ${r.widget.toFixed(1).padStart(10)}`);
  }
} finally {
  await browser.close();
  await collector.stop();
}
