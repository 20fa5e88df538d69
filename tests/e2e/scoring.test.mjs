// Scoring in the browser: the widget's score card travels with the response, the
// collector recomputes it with the same code, a tampered card is flagged, and the
// thank-you screen answers what the customer said.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, startCollector, launchBrowser, newPage, makeSite, hostPage, completeSurvey, until, widgetRunning } from './support.mjs';

let site;
let collector;
let browser;
before(async () => {
  site = makeSite({
    'review.html': hostPage({ survey: 'post-service', endpoint: '/v1/responses', 'review-url': 'https://reviews.example.com/d/42' }),
    'post-call.html': hostPage({ survey: 'post-call', endpoint: '/v1/responses' }),
  });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

test("an unhappy customer's card equals the collector's, raises alerts and is apologised to", async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  await page.goto(`${collector.url}/?lang=en`);
  await completeSurvey(page, 'first'); // the lowest score everywhere
  await page.getByRole('heading', { name: 'We are sorry we let you down' }).waitFor();
  const row = collector.rows().at(-1);
  const client = JSON.parse(row.client_score);
  const server = JSON.parse(row.score);
  assert.deepEqual(client, server, 'the device scored exactly as the collector');
  assert.equal(row.score_mismatch, 0);
  assert.equal(server.nps.category, 'detractor');
  const rules = server.alerts.map((a) => a.rule).sort();
  assert.ok(rules.includes('nps_detractor') && rules.includes('low_overall'), rules.join());
  assert.equal(row.alerts, server.alerts.length);
  assert.ok(server.follow_up_due > row.created_at, 'a follow-up is due after submission');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('a response whose score was changed on the way is stored but flagged', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  // On the context, not the page: the page's service worker may send the same response
  // from the journal (core/src/delivery: one row either way), and a tamperer on the
  // way changes every copy. `page.route` does not see the worker's requests.
  await page.context().route('**/v1/responses', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const body = JSON.parse(route.request().postData());
    body.score.csi = 100;
    body.score.alerts = [];
    await route.continue({ postData: JSON.stringify(body) });
  });
  await page.goto(`${collector.url}/?lang=en`);
  await completeSurvey(page, 'first');
  await page.locator('.sw-done').waitFor();
  const row = collector.rows().at(-1);
  assert.equal(row.score_mismatch, 1);
  assert.equal(JSON.parse(row.client_score).csi, 100);
  assert.notEqual(JSON.parse(row.score).csi, 100, "the collector's own card is kept");
  assert.ok(JSON.parse(row.score).alerts.length > 0, 'alerts cannot be hidden by the client');
  // stderr reaches this process on its own schedule, after the reply that stored the row.
  await until(() => collector.log.join('').includes(`score mismatch for response ${row.id}`), 'the mismatch log line', 5000);
  await page.context().close();
});

test('a delighted customer is offered the review link', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  await page.goto(`${collector.url}/review.html?lang=en`);
  await completeSurvey(page, 'last'); // the highest score everywhere, no contact request
  await page.getByRole('heading', { name: 'Thank you for your feedback!' }).waitFor();
  const link = page.getByRole('link', { name: 'Share your experience in a review' });
  assert.equal(await link.getAttribute('href'), 'https://reviews.example.com/d/42');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
  const row = collector.rows().at(-1);
  assert.equal(JSON.parse(row.score).nps.category, 'promoter');
  assert.equal(row.alerts, 0);
  await page.context().close();
});

test('a satisfied customer with NPS 6 who asked for nothing is neither apologised to nor promised a call', async () => {
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  await page.goto(`${collector.url}/post-call.html?lang=en`);
  await widgetRunning(page);
  await page.locator('[id$="-q-csat"] label.sw-choice').nth(3).click(); // 4 of 5
  await page.locator('[id$="-q-fcr"] label.sw-choice').first().click(); // resolved
  await page.locator('.sw-btn-primary').click();
  await page.locator('[id$="-q-ces"] label.sw-choice').nth(4).click(); // 5 of 7
  for (const row of await page.locator('fieldset.sw-matrix-item').all()) await row.locator('label.sw-choice').nth(3).click();
  await page.locator('.sw-btn-primary').click();
  await page.locator('[id$="-q-nps"] label.sw-choice').nth(6).click(); // 6: a detractor
  await page.locator('.sw-btn-primary').click();
  await page.locator('.sw-done').waitFor();
  const text = await page.locator('.sw-done').innerText();
  assert.match(text, /Thank you for your feedback/);
  assert.doesNotMatch(text, /sorry|let you down/i);
  assert.doesNotMatch(text, /contact you/i);
  const server = JSON.parse(collector.rows().at(-1).score);
  assert.deepEqual(server.alerts.map((a) => a.rule), ['nps_detractor'], 'the dealer is still alerted');
  await page.context().close();
});
