#!/usr/bin/env node
// Benchmark: our Yew/wasm widget against SurveyJS 2.5.38 on the same post-service
// questionnaire, on an emulated mid-range phone (360x740, CPU 4x slower, slow 4G).
// Prints medians; a benchmark, not a test: exits 0 whether or not the targets hold,
// non-zero only when something fails. See bench/README.md.
import { launchBrowser, startCollector, completeSurvey, PHONE } from '../tests/e2e/support.mjs';
import { startServer } from './server.mjs';

const args = process.argv.slice(2);
function opt(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: node bench/run.mjs [--runs N (1-25, default 5)] [--scenario qr|embed|kiosk|all (default all)] [--verbose]');
  process.exit(0);
}
const RUNS = Number(opt('--runs', 5));
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 25) {
  console.error('--runs must be an integer from 1 to 25');
  process.exit(2);
}
const VERBOSE = args.includes('--verbose');
const SCENARIO = opt('--scenario', 'all');
if (!['qr', 'embed', 'kiosk', 'all'].includes(SCENARIO)) {
  console.error('--scenario must be qr, embed, kiosk or all');
  process.exit(2);
}
const KIOSK = { width: 1280, height: 800 };

const NETWORK = { offline: false, latency: 150, downloadThroughput: 200000, uploadThroughput: 93750, connectionType: 'cellular4g' };
const CPU_RATE = 4;
const TRANSITIONS = 3;
const TIMEOUT = Number(process.env.BENCH_TIMEOUT_MS || 60000);

/** What differs between the two subjects: URL, selectors, how to answer a page. */
const SUBJECTS = {
  ours: {
    label: 'ours (Yew/wasm)',
    path: '/?lang=zh-CN',
    question: 'fieldset.sw-q', keyAttr: 'id',
    item: '.sw-choices label.sw-choice',
    done: '.sw-done',
    /** In the page: when the widget runs (has taken over the prerendered first page). */
    running: () => {
      const deep = (sel) => document.querySelector(sel)
        || [...document.querySelectorAll('*')].map((h) => h.shadowRoot?.querySelector(sel)).find(Boolean) || null;
      return !deep('[data-sw-prerendered]') && deep('.sw-form') && performance.now();
    },
    async answerPage(page) {
      // As answerPageWithFirstOptions in tests/e2e/support.mjs, without pressing the button.
      const done = new Set();
      for (let round = 0; round < 5; round++) {
        let changed = false;
        const ids = await page.locator('fieldset.sw-q, fieldset.sw-matrix-item')
          .evaluateAll((fs) => fs.filter((f) => !f.querySelector('fieldset')).map((f) => f.id));
        for (const id of ids) {
          if (done.has(id)) continue;
          done.add(id);
          const options = page.locator(`[id="${id}"] > .sw-choices label.sw-choice`);
          if (await options.count()) { await options.first().click(); changed = true; }
        }
        if (!changed) break;
      }
    },
    next: (page) => page.locator('.sw-btn-primary'),
    async finish(page) { await completeSurvey(page); },
  },
  surveyjs: {
    label: 'SurveyJS 2.5.38',
    path: '/surveyjs/',
    question: '.sd-page .sd-question', keyAttr: 'data-name',
    item: '.sd-selectbase__label, .sd-rating__item',
    done: '.sd-completedpage',
    async answerPage(page) {
      // Clicks the first choice / rating item of every choice question on the page,
      // again while follow-up questions appear; optional boolean/text fields stay empty.
      const done = new Set();
      for (let round = 0; round < 5; round++) {
        let changed = false;
        const qs = await page.locator('.sd-page .sd-question').evaluateAll((els) =>
          els.map((q) => [q.dataset.name, window.survey.getQuestionByName(q.dataset.name)?.getType()]));
        for (const [name, type] of qs) {
          if (done.has(name)) continue;
          done.add(name);
          if (!['radiogroup', 'rating', 'checkbox'].includes(type)) continue;
          await page.locator(`.sd-question[data-name="${name}"]`).locator(this.item).first().click();
          changed = true;
        }
        if (!changed) break;
      }
    },
    next: (page) => page.locator('.sd-navigation__next-btn:visible, .sd-navigation__complete-btn:visible').first(),
    async finish(page) {
      for (let i = 0; i < 30 && !(await page.locator(this.done).count()); i++) {
        await this.answerPage(page);
        const before = await page.evaluate(() => window.survey.currentPageNo);
        await this.next(page).click();
        await page.waitForFunction(([b, sel]) => window.survey.currentPageNo !== b || document.querySelector(sel),
          [before, this.done], { timeout: TIMEOUT });
      }
    },
  },
};

/** In the page: the first question's key once its first choice is rendered, visible and
 * enabled. Looks into open shadow roots too: the script tag mounts the widget in one. */
function readyProbe({ question, keyAttr, item, before, since }) {
  const deep = (sel) => document.querySelector(sel)
    || [...document.querySelectorAll('*')].map((h) => h.shadowRoot?.querySelector(sel)).find(Boolean) || null;
  const q = deep(question);
  if (!q) return false;
  const key = q.getAttribute(keyAttr);
  if (before !== null && key === before) return false;
  const el = q.querySelector(item);
  if (!el) return false;
  const input = el.matches('input') ? el : el.querySelector('input');
  if (input && input.disabled) return false;
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return false;
  if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
  return { key, t: performance.now() - (since ? window.__benchT0 : 0) };
}

/** In the page: the kiosk's welcome button, once visible and enabled (by static/kiosk-start.js
 * on the prerendered welcome, by the widget on its own). */
function welcomeProbe() {
  const b = document.querySelector('.sw-kiosk-start');
  if (!b || b.disabled || !b.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
  return performance.now();
}

/** `where`: { base, path, viewport, kiosk } of one scenario for one subject. */
async function measure(browser, where, name) {
  const s = SUBJECTS[name];
  const context = await browser.newContext({ viewport: where.viewport, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const cdp = await context.newCDPSession(page);
    const requests = new Map();
    const finished = [];
    cdp.on('Network.requestWillBeSent', (e) => requests.set(e.requestId, { url: e.request.url, t: e.timestamp, type: e.type }));
    cdp.on('Network.loadingFinished', (e) => finished.push({ id: e.requestId, t: e.timestamp, bytes: e.encodedDataLength }));
    cdp.on('Network.loadingFailed', (e) => errors.push(`request failed: ${requests.get(e.requestId)?.url} ${e.errorText}`));
    cdp.on('Network.responseReceived', (e) => { if (e.response.status >= 400) errors.push(`HTTP ${e.response.status} ${e.response.url}`); });
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', NETWORK);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_RATE });

    // (a, b) navigation start → first question answerable; bytes finished by then.
    await page.goto(where.base + where.path, { waitUntil: 'commit', timeout: TIMEOUT });
    // The kiosk opens on its welcome screen, prerendered with the first page behind it:
    // the customer taps start as soon as it can be tapped, and that tap counts in the
    // time to the first question.
    if (where.kiosk) {
      await page.waitForFunction(welcomeProbe, null, { polling: 'raf', timeout: TIMEOUT });
      await page.locator('.sw-kiosk-start').click();
    }
    const first = await (await page.waitForFunction(readyProbe,
      { question: s.question, keyAttr: s.keyAttr, item: s.item, before: null, since: false },
      { polling: 'raf', timeout: TIMEOUT })).jsonValue();
    const fetchStart = await page.evaluate(() => performance.getEntriesByType('navigation')[0].fetchStart);
    const doc = [...requests.values()].find((r) => r.type === 'Document');
    if (!doc) throw new Error(`${name}: no document request seen`);
    const readyCdp = doc.t + (first.t - fetchStart) / 1000;
    const before = finished.filter((f) => f.t <= readyCdp);
    const bytes = before.reduce((sum, f) => sum + f.bytes, 0);
    if (VERBOSE) {
      for (const f of before) console.log(`  ${name} ${String(f.bytes).padStart(8)} B  ${requests.get(f.id)?.url}`);
    }
    // Ours shows a prerendered first page that can be answered at once; Next and
    // validation work once the widget has taken it over. SurveyJS runs when it shows.
    const running = s.running
      ? await (await page.waitForFunction(s.running, null, { polling: 'raf', timeout: TIMEOUT })).jsonValue()
      : first.t;
    const runningCdp = doc.t + (running - fetchStart) / 1000;
    const bytesRunning = finished.filter((f) => f.t <= runningCdp).reduce((sum, f) => sum + f.bytes, 0);

    // (c) answer the page, then tap "next" → next page's first question answerable.
    const transitions = [];
    let key = first.key;
    for (let i = 0; i < TRANSITIONS; i++) {
      await s.answerPage(page);
      await page.evaluate(() => {
        window.__benchT0 = undefined;
        window.addEventListener('click', () => { window.__benchT0 ??= performance.now(); }, { capture: true, once: true });
      });
      await s.next(page).click();
      const next = await page.waitForFunction(readyProbe,
        { question: s.question, keyAttr: s.keyAttr, item: s.item, before: key, since: true },
        { polling: 'raf', timeout: TIMEOUT }).then((h) => h.jsonValue()).catch(async (e) => {
        const state = await page.evaluate(() => JSON.stringify([window.survey?.currentPageNo, window.survey?.data,
          document.querySelector('.sw-progress-label, .sd-progress-buttons__page-title')?.textContent, window.__benchT0]));
        throw new Error(`${name}: page ${i + 2} did not show: ${state}; ${e.message}`);
      });
      transitions.push(next.t);
      key = next.key;
    }

    // (d) finish the survey, collect garbage, read the heap.
    await s.finish(page);
    await page.locator(s.done).first().waitFor({ timeout: TIMEOUT });
    await page.waitForTimeout(500);
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const proto = await cdp.send('Runtime.evaluate', { expression: 'WebAssembly.Memory.prototype' });
    const mems = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
    const wasm = await cdp.send('Runtime.callFunctionOn', {
      objectId: mems.objects.objectId, returnByValue: true,
      functionDeclaration: 'function () { return this.reduce((s, m) => s + m.buffer.byteLength, 0); }',
    });
    if (errors.length) throw new Error(`${name}: ${errors.join('; ')}`);
    return {
      bytes, ttfq: first.t, running, bytesRunning, transition: transitions.reduce((a, b) => a + b, 0) / transitions.length,
      heap: heap.usedSize, heapWasm: heap.usedSize + wasm.result.value,
    };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
const ms = (t) => `${t.toFixed(0)} ms`;
const mib = (b) => `${(b / 1048576).toFixed(2)} MiB`;

/** Where each subject is measured in each scenario; SurveyJS is the same page each time
 * (a dealer adding SurveyJS to their site loads exactly these files), at the scenario's
 * viewport. */
function scenarios(collector, server) {
  const theirs = { base: server.url, path: '/surveyjs/' };
  return {
    qr: {
      title: 'QR link on a phone: the collector\'s page, first page prerendered',
      viewport: PHONE, ours: { base: collector.url, path: '/?lang=zh-CN' }, theirs,
    },
    embed: {
      // Another origin (another host name, another port): the dealer's page is not
      // prerendered; the widget's files and the first page (/v1/first-page) come from
      // the collector's origin with CORS.
      title: 'one script tag on a dealer\'s page of another origin (first page from /v1/first-page)',
      viewport: PHONE, ours: { base: server.url.replace('127.0.0.1', 'localhost'), path: '/dealer/' }, theirs,
    },
    kiosk: {
      title: 'kiosk page on a 1280x800 tablet: prerendered welcome screen, tap, first question',
      viewport: KIOSK, ours: { base: collector.url, path: '/static/kiosk.html', kiosk: true }, theirs,
    },
  };
}

function report(results) {
  const rows = [
    ['bytes on the wire to 1st question', 'bytes', kb, 0.40],
    ['time to 1st answerable question', 'ttfq', ms, 0.50],
    ['bytes until the widget runs', 'bytesRunning', kb, null],
    ['time until the widget runs (Next works)', 'running', ms, null],
    [`answer + next → next page (avg of ${TRANSITIONS})`, 'transition', ms, null],
    ['JS heap after completing (after GC)', 'heap', mib, null],
    ['JS heap + wasm linear memory', 'heapWasm', mib, null],
  ];
  const table = rows.map(([label, key, fmt, target]) => {
    const o = median(results.ours.map((r) => r[key]));
    const j = median(results.surveyjs.map((r) => r[key]));
    const ratio = o / j;
    return [label, fmt(o), fmt(j), ratio.toFixed(2),
      target === null ? '—' : `≤ ${target.toFixed(2)}: ${ratio <= target ? 'HOLDS' : 'MISSED'}`];
  });
  const header = ['metric (median)', 'ours', 'SurveyJS', 'ours/SurveyJS', 'target'];
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
  const line = (r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of table) console.log(line(r));
}

async function main() {
  const started = Date.now();
  const collector = await startCollector();
  const server = await startServer({ collectorUrl: collector.url });
  const browser = await launchBrowser();
  const all = scenarios(collector, server);
  const chosen = SCENARIO === 'all' ? Object.keys(all) : [SCENARIO];
  const results = Object.fromEntries(chosen.map((k) => [k, { ours: [], surveyjs: [] }]));
  try {
    console.log(`bench: ${RUNS} run(s) each; CPU ${CPU_RATE}x slower, ` +
      `slow 4G (${NETWORK.latency} ms, ${NETWORK.downloadThroughput * 8 / 1e6} Mbit/s down, ${NETWORK.uploadThroughput * 8 / 1e3} kbit/s up), ` +
      `cache disabled, gzip -9; ours from the collector ${collector.url}, SurveyJS and the dealer page from ${server.url}`);
    for (const key of chosen) {
      const sc = all[key];
      console.log(`\n== ${key}: ${sc.title}, ${sc.viewport.width}x${sc.viewport.height}`);
      for (let i = 0; i < RUNS; i++) {
        // Alternate the order so neither side always runs first.
        for (const name of i % 2 ? ['surveyjs', 'ours'] : ['ours', 'surveyjs']) {
          const t = Date.now();
          const where = { ...(name === 'ours' ? sc.ours : sc.theirs), viewport: sc.viewport };
          const r = await measure(browser, where, name);
          results[key][name].push(r);
          console.log(`run ${i + 1} ${name.padEnd(8)} bytes ${kb(r.bytes).padStart(10)}  first question ${ms(r.ttfq).padStart(8)}  ` +
            `running ${ms(r.running).padStart(8)}  next page ${ms(r.transition).padStart(7)}  heap ${mib(r.heap)} (+wasm ${mib(r.heapWasm)})  [${((Date.now() - t) / 1000).toFixed(1)} s]`);
        }
      }
    }
  } finally {
    await browser.close();
    await server.stop();
    await collector.stop();
  }

  for (const key of chosen) {
    console.log(`\n${key}: ${all[key].title} (targets: issue 18's for the embed, ≤ 0.40 of the bytes, ≤ 0.50 of the time)`);
    report(results[key]);
  }

  // A module per mode (issue 18): the customer's (QR page, script tag), the kiosk's and
  // the full one (interview, a dealer's definition), each with the loaders and the CSS.
  const shared = ['/static/boot.js', '/static/survey-widget.js', '/static/survey.css'];
  const module = (name) => [...server.files.keys()]
    .filter((k) => new RegExp(`^/pkg/${name}(_bg)?-[0-9a-f]+\\.(wasm|js)$`).test(k)).concat(shared);
  const theirs = [...server.files.keys()].filter((k) => k.startsWith('/surveyjs/') && !k.endsWith('.html'));
  const total = (keys) => keys.reduce((s, k) => s + server.files.get(k).body.length, 0);
  console.log('');
  for (const [label, name] of [["customer's module", 'survey_widget'], ["kiosk's module", 'survey_widget_kiosk'], ['full module', 'survey_widget_full']]) {
    const ours = module(name);
    console.log(`our ${label}: wasm+JS+CSS, gzip -9: ${total(ours)} B (${kb(total(ours))}): ` +
      ours.map((k) => `${k.split('/').pop()} ${server.files.get(k).body.length}`).join(', '));
  }
  console.log(`SurveyJS JS+CSS (incl. zh-CN strings, questionnaire, app), gzip -9: ${total(theirs)} B (${kb(total(theirs))})`);
  console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error('bench failed:', e && e.stack ? e.stack : e);
  process.exit(1);
});
