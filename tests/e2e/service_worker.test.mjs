// Issue 13 item 10: a response queued while the collector is down reaches it with no
// page of the origin open, through the origin's service worker (/sw.js), and only once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector, launchBrowser, newPage, completeSurvey, widgetRunning, until } from './support.mjs';

let browser;
let collector;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); await collector?.stop(); });

const LINK = '/?survey=post-call&dealer=D001&lang=en';

/** Opens the survey page and waits until the service worker controls the origin. */
async function openWithWorker(context, url) {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await widgetRunning(page);
  const ready = await page.evaluate(() => Promise.race([
    navigator.serviceWorker.ready.then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), 10000)),
  ]));
  assert.ok(ready, 'the page registered the origin service worker (static/offline.js)');
  return page;
}

test('issue 13 item 10: queued while the collector is down, delivered after the tab is closed', async () => {
  collector = await startCollector();
  const addr = new URL(collector.url).host;
  const page0 = await newPage(browser);
  const context = page0.context();
  await page0.close();
  const page = await openWithWorker(context, `${collector.url}${LINK}`);
  assert.equal(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length)), 1,
    'the survey page registered the origin service worker');

  // The collector goes away after the page loaded; the customer answers and submits.
  await collector.stop({ keep: true });
  const dir = collector.dir;
  collector = null;
  await completeSurvey(page);
  await page.locator('.sw-done').waitFor();
  const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('survey-widget:outbox')).entries.map((e) => e.id));
  assert.equal(queued.length, 1, 'the response waits in the outbox');
  // The page's unload handlers run (pagehide registers the sync); wait for it to go.
  const closed = new Promise((r) => page.once('close', r));
  await page.close({ runBeforeUnload: true });
  await closed;
  assert.equal(context.pages().length, 0, 'no page of the origin is open');

  // The collector comes back on the same address and database; nobody opens a page.
  await new Promise((r) => setTimeout(r, 3000));
  const back = Date.now();
  collector = await startCollector({ addr, dir });
  const rows = await until(() => {
    const r = collector.rows('SELECT id FROM responses');
    return r.length ? r : null;
  }, 'the queued response to arrive with no page open', 90000);
  const arrivedMs = Date.now() - back;
  assert.deepEqual(rows.map((r) => r.id), queued, 'exactly the queued response arrived');
  assert.equal(context.pages().length, 0, 'still no page open: the service worker sent it');
  console.log(`# service worker: delivered ${arrivedMs} ms after the collector returned, no page open`);

  // The next visit: the page's own outbox sends it again, the collector says duplicate,
  // and the outbox empties; still one row.
  const again = await openWithWorker(context, `${collector.url}${LINK}`);
  await until(() => again.evaluate(() => {
    const o = JSON.parse(localStorage.getItem('survey-widget:outbox') || '{"entries":[]}');
    return o.entries.length === 0;
  }), 'the outbox to empty on the next visit');
  assert.equal(collector.rows('SELECT id FROM responses').length, 1, 'counted once');
  await context.close();
});
