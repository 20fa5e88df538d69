// The QR link on a phone: the visit in the URL lands in the stored row; a malformed or
// oversized value is dropped with a console warning and the survey still works; a
// link token is answered once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, startCollector, launchBrowser, newPage, completeSurvey } from './support.mjs';

let collector;
let browser;
before(async () => { collector = await startCollector(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await collector?.stop(); });

async function answer(query) {
  const page = await newPage(browser, PHONE, { locale: 'zh-CN' });
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await page.goto(`${collector.url}/?${query}`);
  await page.locator('.sw-page-title').waitFor();
  await completeSurvey(page, 'last');
  await page.locator('.sw-done').waitFor();
  return { page, warnings };
}

test("a QR link's visit lands in the stored row, in the survey and language it names", async () => {
  const before = collector.rows().length;
  const { page } = await answer('survey=post-call&dealer=D001&ro=RO-2026-1182&advisor=A07&visit=2026-11-23&lang=en&token=tk-001');
  const rows = collector.rows();
  assert.equal(rows.length, before + 1);
  const row = rows.at(-1);
  assert.equal(row.survey_id, 'post-call');
  assert.equal(row.locale, 'en');
  assert.deepEqual(JSON.parse(row.context), {
    dealer: 'D001', repair_order: 'RO-2026-1182', advisor: 'A07', visit_date: '2026-11-23', token: 'tk-001',
  });
  assert.equal(row.dealer, 'D001');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('a malformed or oversized parameter is dropped with a warning and the survey still works', async () => {
  const before = collector.rows().length;
  const long = 'R'.repeat(129);
  const { page, warnings } = await answer(`dealer=D002&ro=${long}&advisor=${encodeURIComponent('<img src=x onerror=alert(1)>')}&lang=zh-TW`);
  assert.equal(collector.rows().length, before + 1);
  const row = collector.rows().at(-1);
  assert.deepEqual(JSON.parse(row.context), { dealer: 'D002' });
  assert.equal(row.locale, 'zh-TW');
  assert.ok(warnings.some((w) => w.includes('?ro: dropped')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('?advisor: dropped')), warnings.join('\n'));
  assert.equal(await page.locator('img').count(), 0, 'nothing from the URL reached the DOM as markup');
  await page.context().close();
});

test('a link token is answered once: a second customer with the same link is refused', async () => {
  const first = await answer('survey=post-call&dealer=D003&token=tk-once-1&lang=en');
  const rows = collector.rows().length;
  await first.page.context().close();
  const page = await newPage(browser, PHONE, { locale: 'en-US' });
  const refused = [];
  page.on('response', (r) => { if (r.url().endsWith('/v1/responses') && r.status() === 409) refused.push(r.status()); });
  await page.goto(`${collector.url}/?survey=post-call&dealer=D003&token=tk-once-1&lang=en`);
  await page.locator('.sw-page-title').waitFor();
  await completeSurvey(page, 'last');
  for (let i = 0; i < 50 && refused.length === 0; i++) await page.waitForTimeout(100);
  assert.deepEqual(refused, [409], 'the collector refused the second response for the link');
  assert.equal(collector.rows().length, rows, 'still one response for the link');
  await page.context().close();
});
