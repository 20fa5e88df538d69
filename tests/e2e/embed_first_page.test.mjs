// Issue 18: the script tag on a dealer's page of another origin shows the survey's first
// page from the collector (`/v1/first-page`) while the wasm downloads; what the customer
// chose there, and a Next pressed early, carry over when the widget runs; the route
// itself answers 200 / 204 / 400 with CORS for any origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { DIST, PHONE, startCollector, launchBrowser, newPage, completeSurvey, answerPageWithFirstOptions, until } from './support.mjs';

let collector;
let browser;
let dealer;
before(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
  // The dealer's own site: another host name and port than the collector's.
  dealer = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Dealer</title>
<link rel="icon" href="data:,"></head><body><main><h1>Dealer site</h1></main>
<script src="${collector.url}/static/survey-widget.js" data-survey="post-service"
  data-endpoint="${collector.url}/v1/responses" data-locale="en" data-dealer="D001" async></script></body></html>`);
  });
  await new Promise((r) => dealer.listen(0, '127.0.0.1', r));
});
after(async () => {
  await browser?.close();
  await collector?.stop();
  await new Promise((r) => (dealer ? dealer.close(r) : r()));
});

const dealerUrl = () => `http://localhost:${dealer.address().port}/`;

/** A phone on `url` with every wasm held back until `release()`; `before(page)` runs
 * before the page is opened. */
async function openHeld(url, before = async () => {}) {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  await before(page);
  await page.goto(url);
  return { page, release, pre: page.locator('[data-sw-prerendered]') };
}

test('on another origin the first page shows before the wasm, and what was chosen there and an early Next carry over', async () => {
  // The wasm waits until the customer has answered the first page.
  const { page, release, pre } = await openHeld(dealerUrl());
  await pre.locator('fieldset.sw-q').first().waitFor();
  assert.equal(await page.locator('.sw-form:not([data-sw-prerendered] *)').count(), 0, 'the widget is not running yet');
  // Answer every question of page 1 in the fragment with its LAST option (the rest of
  // the survey is answered with the first, so a lost answer would show), and press Next.
  await answerPageWithFirstOptions(page, {}, { pick: 'last' });
  // Each chosen answer's question id: `sw0-q-<id>-r` names a group.
  const chosen = await pre.locator('input:checked').evaluateAll((xs) =>
    xs.map((x) => x.name.replace(/^[^-]+-q-/, '').replace(/-r$/, '')));
  assert.ok(chosen.length >= 2, `answers chosen in the fragment: ${JSON.stringify(chosen)}`);
  assert.equal(await pre.getAttribute('data-sw-next'), '', 'the early Next is remembered');
  release();
  await pre.waitFor({ state: 'detached' });
  // The widget pressed Next again with the same answers: page 2 shows.
  await until(async () => /2/.test(await page.locator('.sw-progress-label').innerText().catch(() => '')), 'page 2');
  await completeSurvey(page);
  await page.locator('.sw-done').waitFor();
  await until(() => collector.rows().length === 1, 'one stored response');
  const row = collector.rows()[0];
  const answers = JSON.parse(row.answers);
  for (const id of chosen) {
    assert.ok(answers[id], `${id} stored`);
    assert.notDeepEqual(answers[id], { yes_no: true }, `${id}: the fragment's last option, not the widget's first`);
  }
  assert.equal(JSON.parse(row.context).dealer, 'D001');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('on another origin a language chosen in the first page is the widget\'s when it runs', async () => {
  const { page, release, pre } = await openHeld(dealerUrl());
  await pre.locator('.sw-lang-btn[lang="zh-TW"]').click();
  assert.equal(await pre.locator('.sw-lang-btn[lang="zh-TW"]').getAttribute('aria-pressed'), 'true');
  release();
  await pre.waitFor({ state: 'detached' });
  await until(async () => (await page.locator('.sw[lang]').first().getAttribute('lang')) === 'zh-TW', 'zh-TW');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('files on a host that answers every path with its own page: none of it shows in the widget', async () => {
  // The dealer copied dist/ onto their own site, whose server answers any unknown path
  // with its home page (200 text/html), /v1/first-page included.
  const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
  const site = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://site').pathname);
    const file = join(DIST, normalize(path));
    if (path === '/survey.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dealer</title>
<link rel="icon" href="data:,"></head><body><main><h1>Dealer site</h1></main>
<script src="/static/survey-widget.js" data-survey="post-service"
  data-endpoint="${collector.url}/v1/responses" data-locale="en" async></script></body></html>`);
    } else if (file.startsWith(DIST) && existsSync(file) && statSync(file).isFile() && TYPES[extname(file)]) {
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] });
      createReadStream(file).pipe(res);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body><h1>Welcome to our dealership</h1><p>SITE-HOME</p></body></html>');
    }
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  try {
    // Everything ever put into a shadow root is seen as it happens. The wasm waits until
    // the loader has had the site's answer and the stylesheet (the fragment would go in
    // then), so anything it put in would be seen before the widget.
    let asked;
    let styled;
    const { page, release } = await openHeld(`http://127.0.0.1:${site.address().port}/survey.html`, async (p) => {
      await p.addInitScript(() => {
        window.__shadowSeen = '';
        const attach = Element.prototype.attachShadow;
        Element.prototype.attachShadow = function (init) {
          const root = attach.call(this, init);
          new MutationObserver(() => { window.__shadowSeen += root.textContent; })
            .observe(root, { childList: true, subtree: true, characterData: true });
          return root;
        };
      });
      asked = p.waitForResponse((r) => r.url().includes('/v1/first-page'));
      styled = p.waitForResponse((r) => r.url().endsWith('/static/survey.css'));
    });
    assert.equal((await asked).status(), 200, 'the site answered with its home page');
    await (await styled).finished();
    await (await asked).finished();
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    release();
    await page.locator('.sw-form fieldset.sw-q').first().waitFor();
    assert.doesNotMatch(await page.evaluate(() => window.__shadowSeen), /SITE-HOME/, 'the site\'s page was never in the widget');
    assert.deepEqual(page.consoleErrors, []);
    await page.context().close();
  } finally {
    await new Promise((r) => site.close(r));
  }
});

test('/v1/first-page: a fragment with CORS, 204 where nothing can be prerendered, 400 for a broken query', async () => {
  const ok = await fetch(`${collector.url}/v1/first-page?survey=post-call&locale=zh-TW&endpoint=/v1/responses&mode=embed`,
    { headers: { Origin: 'http://dealer.example' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), '*');
  assert.match(ok.headers.get('content-type'), /^text\/html/);
  const html = await ok.text();
  assert.match(html, /^<div data-sw-prerendered data-sw-flow="page">/);
  assert.match(html, /lang="zh-TW"/);
  for (const q of ['survey=post-service&endpoint=/v1/responses&mode=kiosk', 'definition=/mine.json&endpoint=/v1/r', 'endpoint=/v1/r']) {
    const r = await fetch(`${collector.url}/v1/first-page?${q}`);
    assert.equal(r.status, 204, q);
    assert.equal(r.headers.get('access-control-allow-origin'), '*', q);
  }
  const bad = await fetch(`${collector.url}/v1/first-page?survey=%ZZ`);
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).error, /percent-encoded/);
  // Markup in a setting is escaped, never rendered.
  const hostile = await fetch(`${collector.url}/v1/first-page?survey=post-service&endpoint=/v1/r&page.lang=${encodeURIComponent('en"><script>alert(1)</script>')}`);
  assert.ok(!(await hostile.text()).includes('<script'));
});
