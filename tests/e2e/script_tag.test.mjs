// Issue 13, items 11-13: every setting reaches the widget through the script tag (the
// loader forwards every data-* attribute; the widget checks them against its one list and
// warns about the rest), the page's own context (data-dealer, data-station, data-context)
// and a post-call link's agent and call are stored with the response.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, startCollector, launchBrowser, newPage, makeSite, scriptTagPage, completeSurvey, until, widgetRunning } from './support.mjs';

const json = (v) => JSON.stringify(v).replaceAll('"', '&quot;');
const BASE = { survey: 'post-call', locale: 'en' };
const PAGES = {
  flat: { ...BASE, endpoint: '/hook', payload: 'flat', 'payload-fields': json({ ResponseId: 'id', NPS: 'score.nps' }) },
  headers: { ...BASE, endpoint: '/hook', 'endpoint-headers': json({ 'X-Dealer-Route': 'north-7' }) },
  timeout: { ...BASE, endpoint: '/slow', 'timeout-seconds': '2' },
  http: { ...BASE, endpoint: 'http://192.0.2.10:9/hook' },
  'allow-http': { ...BASE, endpoint: 'http://192.0.2.10:9/hook', 'allow-http': 'true' },
  context: { ...BASE, endpoint: '/v1/responses', dealer: 'D001', station: 'lounge-2', context: json({ campaign: 'winter-26' }) },
  kiosk: { ...BASE, endpoint: '/v1/responses', mode: 'kiosk', 'kiosk-pin': '2468', 'idle-seconds': '5' },
  unknown: { ...BASE, endpoint: '/v1/responses', colour: 'red', mode: 'kisok' },
};

let site;
let collector;
let browser;
before(async () => {
  site = makeSite(Object.fromEntries(Object.entries(PAGES).map(([k, attrs]) => [`static/t-${k}.html`, scriptTagPage(attrs)])));
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

async function open(name, query = '') {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  page.warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') page.warnings.push(m.text()); });
  page.posts = [];
  page.firstPages = [];
  page.on('request', (r) => { if (r.url().includes('/v1/first-page')) page.firstPages.push(r.url()); });
  await page.route('**/hook', async (route) => {
    const r = route.request();
    page.posts.push({ headers: r.headers(), body: r.postData() });
    await route.fulfill({ status: 200, contentType: 'application/json', body: '{}' });
  });
  await page.goto(`${collector.url}/static/t-${name}.html${query}`);
  // The widget itself, not the first page the loader shows from /v1/first-page before it.
  await widgetRunning(page);
  return page;
}

test('data-payload and data-payload-fields: a CRM webhook gets its flat fields', async () => {
  const page = await open('flat');
  await completeSurvey(page, 'last');
  await until(() => page.posts.length, 'the post');
  assert.deepEqual(Object.keys(JSON.parse(page.posts[0].body)).sort(), ['NPS', 'ResponseId']);
  await page.context().close();
});

test('data-endpoint-headers: the routing header is sent', async () => {
  const page = await open('headers');
  await completeSurvey(page, 'last');
  await until(() => page.posts.length, 'the post');
  assert.equal(page.posts[0].headers['x-dealer-route'], 'north-7');
  assert.equal(JSON.parse(page.posts[0].body).format, 'survey-response/1');
  // The first page was asked for without the headers (an API key has no place in a URL).
  assert.equal(page.firstPages.length, 1);
  assert.doesNotMatch(page.firstPages[0], /north-7|endpoint-headers/i);
  assert.match(page.firstPages[0], /survey=post-call/);
  await page.context().close();
});

test('data-timeout-seconds: a hanging endpoint is given up on after that long', async () => {
  const page = await open('timeout');
  let started = 0;
  let failed = 0;
  await page.route('**/slow', () => { started ||= Date.now(); }); // never answered
  page.on('requestfailed', (r) => { if (r.url().endsWith('/slow')) failed ||= Date.now(); });
  await completeSurvey(page, 'last');
  await until(() => failed, 'the attempt to be abandoned', 12000);
  const took = failed - started;
  assert.ok(took >= 1500 && took < 6000, `abandoned after ${took} ms (2 s configured, 15 s by default)`);
  await page.context().close();
});

test('data-allow-http: plain http to another machine only when allowed', async () => {
  const refused = await open('http');
  assert.match(await refused.locator('.sw-error-box').innerText(), /http/i);
  await refused.context().close();
  const allowed = await open('allow-http');
  await allowed.locator('.sw-page-title').waitFor();
  assert.equal(await allowed.locator('.sw-error-box').count(), 0);
  await allowed.context().close();
});

test('data-dealer, data-station, data-context and the link\'s agent and call are stored', async () => {
  const page = await open('context', '?agent=hl-042&call=complaint&utm_source=sms');
  const before = collector.rows().length;
  await completeSurvey(page, 'last');
  await until(() => collector.rows().length > before, 'the stored response');
  const row = collector.rows().at(-1);
  assert.deepEqual(JSON.parse(row.context), {
    agent: 'hl-042', call_type: 'complaint', campaign: 'winter-26', dealer: 'D001', station: 'lounge-2',
  });
  assert.deepEqual(JSON.parse(row.answers).call_type, { text: 'complaint' }, 'the hidden call_type question is filled');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('data-mode, data-kiosk-pin and data-idle-seconds reach the widget', async () => {
  const page = await open('kiosk');
  await page.locator('.sw-kiosk-start').waitFor();
  // The staff corner speaks the kiosk's language (data-locale="en" here).
  await page.getByRole('button', { name: 'Staff', exact: true }).waitFor();
  assert.ok(page.warnings.some((w) => w.includes('data-idle-seconds')), page.warnings.join('\n'));
  await page.context().close();
});

test('an unknown attribute or data-mode value warns, and the widget still works', async () => {
  const page = await open('unknown');
  await page.locator('.sw-page-title').waitFor();
  assert.ok(page.warnings.some((w) => w.includes('data-colour: not a setting')), page.warnings.join('\n'));
  assert.ok(page.warnings.some((w) => w.includes('data-mode: "kisok"')), page.warnings.join('\n'));
  await page.context().close();
});
