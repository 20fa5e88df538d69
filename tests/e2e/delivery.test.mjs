// Delivery that never loses a response: the widget writes each response to its
// outbox (localStorage) before sending, thanks the customer without waiting for the
// network, and sends until the real collector confirms it — once, whatever happens
// on the way: no network, 500s, 429 with Retry-After, a reload, two tabs at once.
// A response the endpoint refuses (400) is kept aside and reported, not retried.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PHONE, startCollector, launchBrowser, newPage, makeSite, hostPage, completeSurvey, until, widgetRunning } from './support.mjs';

const KEY = 'survey-widget:outbox';
const URL_PATH = '/call.html?lang=en';

let site;
let collector;
let browser;
before(async () => {
  site = makeSite({ 'call.html': hostPage({ survey: 'post-call', endpoint: '/v1/responses' }) });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

/** The stored outbox of the page's origin. */
async function outbox(page) {
  const raw = await page.evaluate((key) => localStorage.getItem(key), KEY);
  return raw ? JSON.parse(raw) : { entries: [], delivered: [] };
}

/** Rows stored for these response ids (in the order of the table). */
function rowsFor(ids) {
  return collector.rows().filter((r) => ids.includes(r.id));
}

/** Console errors other than the browser's own log lines for failed requests. */
function widgetErrors(page) {
  return page.consoleErrors.filter((e) => !/Failed to load resource|net::ERR_/.test(e));
}

/** Opens the host page and waits for the widget itself (not its prerendered first page). */
async function open(page) {
  await page.goto(`${collector.url}${URL_PATH}`);
  await widgetRunning(page);
}

/** Answers the short survey; resolves once the thank-you shows. */
async function submit(page) {
  await page.locator('.sw-page-title').first().waitFor();
  await completeSurvey(page, 'last');
  await page.locator('.sw-done').waitFor({ timeout: 5000 });
}

/** Counts (and times) the widget's POSTs, answering them with `answer(n)` or passing them on. */
async function recordPosts(target, answer = () => null) {
  const posts = [];
  await target.route('**/v1/responses', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const body = route.request().postData();
    posts.push({ at: Date.now(), id: JSON.parse(body).id, body, key: await route.request().headerValue('idempotency-key') });
    const reply = answer(posts.length);
    if (reply === 'abort') return route.abort('internetdisconnected');
    if (reply) return route.fulfill(reply);
    return route.continue();
  });
  return posts;
}

test('offline at submit: thanked at once, delivered when the network is back', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  const posts = await recordPosts(page);
  await open(page);
  await page.context().setOffline(true);
  const t0 = Date.now();
  await submit(page);
  const thankedMs = Date.now() - t0;
  const [entry] = (await outbox(page)).entries;
  assert.ok(entry, 'the response is in the outbox');
  await page.getByText('Your answers are saved on this device and will be sent when you are back online.').waitFor();
  assert.equal(rowsFor([entry.id]).length, 0, 'nothing reached the collector while offline');
  const back = Date.now();
  await page.context().setOffline(false);
  await until(() => rowsFor([entry.id]).length === 1, 'the row');
  const arrivedMs = Date.now() - back;
  await until(async () => (await outbox(page)).entries.length === 0, 'an empty outbox');
  assert.equal(rowsFor([entry.id]).length, 1);
  assert.equal(posts.length, 1, 'no attempt while offline, one when back');
  assert.equal(posts[0].body, entry.body, 'the body is sent exactly as stored');
  assert.equal(posts[0].key, entry.id, 'the response id is the idempotency key');
  assert.deepEqual(widgetErrors(page), []);
  console.log(`# offline: survey walked + thanked in ${thankedMs} ms; delivered ${arrivedMs} ms after coming back online`);
  await page.context().close();
});

// issue 13 item 10 (second half): online, with the collector down, the customer is
// not told to get back online; they are told the dealer's server did not answer.
test('issue 13 item 10: collector down while online says the server did not answer', async () => {
  const down = await startCollector({ dist: site.dir });
  const endpoint = `${down.url}/v1/responses`;
  await down.stop();
  const name = `down-${Date.now()}.html`;
  writeFileSync(join(site.dir, name), hostPage({ survey: 'post-call', endpoint }));
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  await page.goto(`${collector.url}/${name}?lang=en`);
  await widgetRunning(page);
  assert.equal(await page.evaluate(() => navigator.onLine), true);
  await submit(page);
  const note = page.locator('.sw-done-note');
  await note.waitFor();
  assert.equal(await note.innerText(), "The dealer's server did not answer. Your answers are saved on this device and will be sent automatically.");
  assert.doesNotMatch(await page.locator('.sw-done').innerText(), /back online/);
  const [entry] = (await outbox(page)).entries;
  assert.equal(entry?.state, 'pending', 'it waits in the outbox to be sent');
  await page.context().close();
});

test('three 500s, then the collector: exactly one row', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  const posts = await recordPosts(page, (n) => (n <= 3 ? { status: 500, contentType: 'application/json', body: '{"error":"database is locked"}' } : null));
  await open(page);
  await submit(page);
  const t0 = Date.now();
  const id = await until(() => posts[0]?.id, 'the first POST');
  await until(() => rowsFor([id]).length === 1, 'the row');
  await until(async () => (await outbox(page)).entries.length === 0, 'an empty outbox');
  assert.equal(posts.length, 4, 'three failures and one success');
  assert.ok(posts.every((p) => p.id === id), 'the same response every time');
  assert.equal(collector.rows().filter((r) => r.id === id).length, 1);
  assert.deepEqual(widgetErrors(page), []);
  const gaps = posts.slice(1).map((p, i) => p.at - posts[i].at);
  console.log(`# 3×500: delivered ${Date.now() - t0} ms after the first attempt; gaps ${gaps.join(', ')} ms`);
  await page.context().close();
});

test('429 with Retry-After: 1 is honoured, then one row', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  const posts = await recordPosts(page, (n) => (n === 1 ? { status: 429, headers: { 'Retry-After': '1' }, contentType: 'application/json', body: '{"error":"slow down"}' } : null));
  await open(page);
  await submit(page);
  const id = await until(() => posts[0]?.id, 'the first POST');
  await until(() => rowsFor([id]).length === 1, 'the row');
  assert.equal(posts.length, 2);
  const gap = posts[1].at - posts[0].at;
  assert.ok(gap >= 1000, `the second attempt came ${gap} ms after the first`);
  console.log(`# 429 Retry-After 1: second attempt ${gap} ms after the first`);
  await page.context().close();
});

test('a 400 is kept aside and reported, not retried', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  const posts = await recordPosts(page, () => ({ status: 400, contentType: 'application/json', body: '{"error":"answers.q1: unknown option"}' }));
  await open(page);
  await page.evaluate(() => {
    window.surveyErrors = [];
    document.addEventListener('survey:error', (e) => window.surveyErrors.push(e.detail));
  });
  await submit(page);
  const id = await until(() => posts[0]?.id, 'the first POST');
  const error = await until(() => widgetErrors(page).find((e) => e.includes(id)), 'the console error');
  assert.match(error, /refused .*answers\.q1: unknown option.*not retried/);
  const [event] = await until(() => page.evaluate(() => window.surveyErrors.length && window.surveyErrors), 'the survey:error event');
  assert.equal(event.response, id, 'survey:error names the response');
  assert.match(event.message, /refused .*unknown option/);
  await new Promise((r) => setTimeout(r, 3000)); // long enough for two retries, were there any
  assert.equal(posts.length, 1, 'exactly one attempt');
  const { entries } = await outbox(page);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].id, id);
  assert.equal(entries[0].state, 'failed');
  assert.match(entries[0].last_error, /unknown option/);
  assert.equal(rowsFor([id]).length, 0);
  await page.context().close();
});

test('a reload while the outbox holds a response delivers it once', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  await open(page);
  await page.context().setOffline(true);
  await submit(page);
  const [entry] = (await outbox(page)).entries;
  assert.ok(entry, 'queued');
  // The network fails on the page's attempts (so it backs off), then comes back
  // just as the page is reloaded: the new page load sends what the old one left.
  const posts = await recordPosts(page, (n) => (n === 1 ? 'abort' : null));
  await page.context().setOffline(false);
  await until(() => posts.length === 1, 'a failed attempt');
  await until(async () => (await outbox(page)).entries[0]?.state === 'pending', 'the entry pending again');
  const t0 = Date.now();
  await page.reload();
  await until(() => rowsFor([entry.id]).length === 1, 'the row');
  const arrivedMs = Date.now() - t0;
  await until(async () => (await outbox(page)).entries.length === 0, 'an empty outbox');
  assert.equal(rowsFor([entry.id]).length, 1);
  assert.deepEqual(widgetErrors(page), []);
  console.log(`# reload: delivered ${arrivedMs} ms after the reload began; ${posts.length} POSTs`);
  await page.context().close();
});

test('two tabs flushing one outbox together store each response once', async () => {
  const a = await newPage(browser, PHONE, { locale: 'en-US' });
  const context = a.context();
  const b = await context.newPage();
  b.consoleErrors = [];
  b.on('console', (m) => { if (m.type() === 'error') b.consoleErrors.push(m.text()); });
  const posts = await recordPosts(context);
  let t = Date.now();
  const lap = (what) => { console.log(`# two tabs: ${what} ${Date.now() - t} ms`); t = Date.now(); };
  await open(a);
  await open(b);
  lap('loaded');
  await context.setOffline(true);
  await a.bringToFront(); // a tab in the background is throttled
  await submit(a);
  lap('a submitted');
  await b.bringToFront();
  await submit(b);
  lap('b submitted');
  const ids = (await outbox(a)).entries.map((e) => e.id);
  assert.equal(ids.length, 2, 'both responses queued in the shared outbox');
  const t0 = Date.now();
  await context.setOffline(false); // both tabs hear `online` and flush the same outbox
  await until(() => rowsFor(ids).length === 2, 'both rows');
  const arrivedMs = Date.now() - t0;
  await until(async () => (await outbox(b)).entries.length === 0, 'an empty outbox');
  await new Promise((r) => setTimeout(r, 300));
  const rows = rowsFor(ids);
  assert.deepEqual(rows.map((r) => r.id).sort(), [...ids].sort(), 'each response exactly once');
  assert.deepEqual([...widgetErrors(a), ...widgetErrors(b)], []);
  const perId = ids.map((id) => posts.filter((p) => p.id === id).length);
  console.log(`# two tabs: both delivered ${arrivedMs} ms after coming online; POSTs per response ${perId.join(', ')}`);
  await context.close();
});
