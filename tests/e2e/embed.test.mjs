// The script-tag embed: one tag mounts the widget in a Shadow DOM that hostile host
// CSS cannot reach, under a strict CSP with no violation; two widgets on one page
// submit independently; the JavaScript API mounts, reports events and destroys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, DESKTOP, startCollector, launchBrowser, newPage, makeSite, completeSurvey, until, widgetRunning } from './support.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; object-src 'none'";
const page = (body, css = []) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${css.map((c) => `<link rel="stylesheet" href="${c}">`).join('\n')}
<link rel="icon" href="favicon.svg"></head><body>${body}</body></html>`;
const slot = (id) => `<div id="${id}" class="slot"></div>`;
const tag = (attrs) => `<script src="survey-widget.js"${Object.entries(attrs).map(([k, v]) => ` data-${k}="${v}"`).join('')} async></script>`;

let site;
let collector;
let browser;
before(async () => {
  const hostile = readFileSync(join(ROOT, 'static/embed-demo.css'), 'utf8');
  site = makeSite({
    // Both pages give the widget the same 640px slot, so only the CSS differs.
    'static/t-slot.css': '#one, #two { width: 640px !important; margin: 0 !important; padding: 0 !important; border: 0 !important; }',
    'static/t-hostile.css': hostile,
    'static/t-plain.html': page(`${slot('one')}${tag({ survey: 'post-service', endpoint: '/v1/responses', locale: 'en', target: '#one' })}`, ['t-slot.css']),
    'static/t-hostile.html': page(`<h1>Dealer site</h1>${slot('one')}${tag({ survey: 'post-service', endpoint: '/v1/responses', locale: 'en', target: '#one' })}`, ['t-hostile.css', 't-slot.css']),
    'static/t-two.html': page(`${slot('one')}${slot('two')}
      ${tag({ survey: 'post-call', endpoint: '/v1/responses', locale: 'en', target: '#one' })}
      ${tag({ survey: 'post-call', endpoint: '/v1/responses', locale: 'zh-TW', target: '#two' })}`, ['t-slot.css']),
    // issue 13 item 15: a dealer page with a 64 px sticky header and text above the widget.
    'static/t-sticky.css': 'body { margin: 0; } header { position: sticky; top: 0; height: 64px; background: #333; color: #fff; z-index: 10; } .tall { height: 900px; margin: 0; } #one { margin: 0; }',
    'static/t-sticky.html': page(`<header>Dealer</header>
      <main><p class="tall">About us</p>${slot('one')}<p class="tall">Footer</p></main>
      ${tag({ survey: 'post-service', endpoint: '/v1/responses', locale: 'en', target: '#one', 'scroll-offset': '64' })}`, ['t-sticky.css']),
    'static/t-api.html': page(slot('one'), ['t-slot.css']) .replace('</body>', '<script src="survey-widget.js"></script></body>'),
  });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

/** A page that records CSP violations from the very start. */
async function cspPage() {
  const p = await newPage(browser, DESKTOP, { locale: 'en-US' });
  await p.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return p;
}

/** Boxes of the widget's parts relative to its host element. */
async function layout(p) {
  const host = p.locator('#one');
  await host.locator('.sw-page-title').waitFor().catch(async (e) => {
    const t0 = Date.now();
    const probe = await fetch(`${collector.url}/static/survey-widget.js`).then((r) => r.status, (err) => String(err));
    console.log(`DIAG node fetch ${probe} in ${Date.now() - t0} ms`);
    throw new Error(`${e.message.split('\n')[0]}; ${p.diagnose()}; collector log: ${collector.log.join('').slice(-600)}`);
  });
  // The widget's layout, not the first page the loader shows before the wasm runs.
  await widgetRunning(host);
  const origin = await host.boundingBox();
  const boxes = {};
  for (const sel of ['.sw', '.sw-title', '.sw-lang-btn', '.sw-progress', '.sw-page-title', 'fieldset.sw-q', '.sw-choice-face', '.sw-btn-primary']) {
    const b = await host.locator(sel).first().boundingBox();
    boxes[sel] = [b.x - origin.x, b.y - origin.y, b.width, b.height].map((v) => Math.round(v));
  }
  return boxes;
}

test("the host page's hostile CSS does not change the widget's layout, and the strict CSP holds", async () => {
  const plain = await cspPage();
  await plain.goto(`${collector.url}/static/t-plain.html`);
  const expected = await layout(plain);
  assert.deepEqual(await plain.evaluate(() => window.__csp), []);
  assert.deepEqual(plain.consoleErrors, []);
  await plain.context().close();
  const hostile = await cspPage();
  await hostile.goto(`${collector.url}/static/t-hostile.html`);
  const actual = await layout(hostile);
  assert.deepEqual(actual, expected);
  await hostile.screenshot({ path: join(ROOT, 'tests/e2e/artifacts/embed-hostile-desktop.png') });
  assert.deepEqual(await hostile.evaluate(() => window.__csp), []);
  assert.deepEqual(hostile.consoleErrors, []);
  await hostile.context().close();
});

test('an embedded survey submits under the strict CSP with mode "embed"', async () => {
  const before = collector.rows().length;
  const p = await cspPage();
  await p.goto(`${collector.url}/static/t-hostile.html`);
  await completeSurvey(p, 'last', p.locator('#one'));
  await p.locator('#one .sw-done').waitFor();
  assert.equal(collector.rows().length, before + 1);
  assert.equal(JSON.parse(collector.rows().at(-1).answers).nps.scale, 10);
  assert.equal(JSON.parse(collector.rows().at(-1).client_score).nps.category, 'promoter');
  const row = JSON.parse(collector.rows(`SELECT payload FROM responses ORDER BY seq DESC LIMIT 1`)[0].payload);
  assert.equal(row.client.mode, 'embed');
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  await p.context().close();
});

test('two widgets on one page submit independently', async () => {
  const before = collector.rows().length;
  const p = await cspPage();
  await p.goto(`${collector.url}/static/t-two.html`);
  const one = p.locator('#one');
  const two = p.locator('#two');
  await one.locator('.sw-page-title').waitFor();
  await two.locator('.sw-page-title').waitFor();
  await completeSurvey(p, 'last', one);
  await one.locator('.sw-done').waitFor();
  assert.equal(collector.rows().length, before + 1, 'only the first was sent');
  assert.equal(await two.locator('.sw-done').count(), 0, 'the second is untouched');
  await completeSurvey(p, 'first', two);
  await two.locator('.sw-done').waitFor();
  const rows = collector.rows().slice(before);
  assert.equal(rows.length, 2);
  assert.notEqual(rows[0].id, rows[1].id);
  assert.deepEqual(rows.map((r) => r.locale), ['en', 'zh-TW']);
  assert.deepEqual(await p.evaluate(() => window.__csp), []);
  await p.context().close();
});

test('SurveyWidget.mount reports events with the score card, and destroy() removes it', async () => {
  const p = await cspPage();
  await p.goto(`${collector.url}/static/t-api.html`);
  await p.waitForFunction(() => window.SurveyWidget);
  await p.evaluate(() => {
    window.__events = [];
    const host = document.querySelector('#one');
    for (const name of ['survey:start', 'survey:page', 'survey:complete', 'survey:error']) {
      host.addEventListener(name, (e) => window.__events.push({ name, detail: e.detail }));
    }
    window.__handle = window.SurveyWidget.mount(host, { survey: 'post-call', endpoint: '/v1/responses', locale: 'en' });
  });
  const host = p.locator('#one');
  await host.locator('.sw-page-title').waitFor({ timeout: 10000 }).catch(async (e) => {
    throw new Error(`${e.message}\nconsole: ${p.consoleErrors.join('\n')}\nshadow: ${await p.evaluate(() => document.querySelector('#one').shadowRoot?.innerHTML.slice(0, 500))}`);
  });
  await widgetRunning(host);
  await completeSurvey(p, 'last', host);
  await host.locator('.sw-done').waitFor();
  const events = await p.evaluate(() => window.__events);
  const names = events.map((e) => e.name);
  assert.equal(names[0], 'survey:start');
  assert.deepEqual(events.filter((e) => e.name === 'survey:page').map((e) => e.detail.page), [1, 2, 3]);
  const complete = events.find((e) => e.name === 'survey:complete');
  const row = collector.rows().at(-1);
  assert.equal(complete.detail.id, row.id);
  assert.deepEqual(complete.detail.score, JSON.parse(row.score), 'the event carries the same card the collector computed');
  assert.ok(!names.includes('survey:error'));
  await p.evaluate(() => window.__handle.destroy());
  assert.equal(await p.evaluate(() => document.querySelector('#one').shadowRoot.childNodes.length), 0);
  // Bad options are reported, not thrown.
  const message = await p.evaluate(() => new Promise((resolve) => {
    const host = document.querySelector('#one');
    host.addEventListener('survey:error', (e) => resolve(e.detail.message), { once: true });
    window.SurveyWidget.mount(host, { survey: 'post-call', endpoint: '/v1/responses', colour: 'red' });
  }));
  assert.match(message, /SurveyWidget\.mount options: unknown field `colour`/);
  await p.context().close();
});

// The loader fetches the glue and the wasm at once (issue 18); a wasm that never
// arrives (a dropped connection) still ends in the widget's own alert and a
// survey:error for the page, not in silence.
test('a wasm that cannot be fetched is said in the slot and as survey:error', async () => {
  const p = await newPage(browser, DESKTOP, { locale: 'en-US' });
  const wasm = [];
  await p.route(/_bg-[0-9a-f]{16}\.wasm$/, (route) => { wasm.push(route.request().url()); return route.abort('internetdisconnected'); });
  await p.addInitScript(() => {
    window.__errors = [];
    document.addEventListener('survey:error', (e) => window.__errors.push(e.detail.message));
  });
  await p.goto(`${collector.url}/static/t-plain.html`);
  const alert = p.locator('#one .sw-error-box[role="alert"]');
  await alert.waitFor();
  assert.match(await alert.innerText(), /The survey could not load; please reload the page/);
  await until(async () => (await p.evaluate(() => window.__errors.length)) > 0, 'survey:error fired');
  assert.match((await p.evaluate(() => window.__errors))[0], /^survey widget could not start: /);
  assert.equal(wasm.length, 1, `the wasm was asked for once: ${wasm.join(', ')}`);
  await p.context().close();
});

// issue 13 item 15: after Next, the new page's heading is not under the site's sticky
// header: the widget scrolls its own top to just below `data-scroll-offset`.
for (const motion of ['reduce', 'no-preference']) {
  test(`issue 13 item 15: after Next the heading is below a 64 px sticky header (${motion} motion)`, async () => {
    const p = await newPage(browser, { width: 360, height: 740 }, { locale: 'en-US', reducedMotion: motion });
    await p.goto(`${collector.url}/static/t-sticky.html`);
    const widget = p.locator('#one');
    await widget.locator('.sw-page-title').waitFor();
    const first = await widget.locator('.sw-page-title').innerText();
    for (const group of await widget.locator('fieldset.sw-q').all()) {
      await group.locator(':scope > .sw-choices label.sw-choice').first().click();
    }
    // The customer has scrolled the page's heading up under the site's header to see
    // the whole page down to Next; the next page's heading lands there too unless the
    // widget scrolls.
    await widget.locator('.sw-page-title').evaluate((h) => window.scrollBy(0, h.getBoundingClientRect().top - 10));
    const next = widget.locator('.sw-btn-primary');
    assert.ok((await next.boundingBox()).y + 44 <= 740, 'Next is on screen');
    await next.click();
    await until(async () => (await widget.locator('.sw-page-title').innerText()) !== first, 'the second page');
    await p.waitForTimeout(motion === 'reduce' ? 100 : 1200);
    const heading = await widget.locator('.sw-page-title').boundingBox();
    const header = await p.locator('header:not(.sw-header)').boundingBox();
    assert.equal(header.y, 0, 'the sticky header is at the top');
    assert.ok(heading.y >= 64, `the heading (${JSON.stringify(heading)}) is below the 64 px header`);
    assert.ok(heading.y + heading.height <= 740, `the heading is on screen: ${JSON.stringify(heading)}`);
    await p.context().close();
  });
}
