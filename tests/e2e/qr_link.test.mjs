// The QR link on a phone: the visit in the URL lands in the stored row; a malformed or
// oversized value is dropped with a console warning and the survey still works; a
// link token is answered once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, PHONE, startCollector, launchBrowser, newPage, completeSurvey } from './support.mjs';

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

// issue 13 item 1: the link is checked when the page opens; a used one says so before
// any question, in the customer's language, and shows no question.
test('issue 13 item 1: a used link says it was answered before any question', async () => {
  const first = await answer('survey=post-call&dealer=D003&token=tk-once-1&lang=en');
  const rows = collector.rows().length;
  await first.page.context().close();
  for (const [lang, heading] of [['en', 'This survey has already been answered'], ['zh-CN', '此问卷已经填写过了'], ['zh-TW', '此問卷已經填寫過了']]) {
    const page = await newPage(browser, PHONE, { locale: 'en-US' });
    const posts = [];
    page.on('request', (r) => { if (r.url().endsWith('/v1/responses') && r.method() === 'POST') posts.push(r); });
    await page.goto(`${collector.url}/?survey=post-call&dealer=D003&token=tk-once-1&lang=${lang}`);
    await page.locator('.sw-link-used h2').waitFor();
    assert.equal(await page.locator('.sw-link-used h2').innerText(), heading);
    await page.screenshot({ path: join(ROOT, `tests/e2e/artifacts/link-used-${lang}-360.png`) });
    // The prerendered first page (if any) is replaced: no question, no button.
    assert.equal(await page.locator('fieldset.sw-q, .sw-page-title, form').count(), 0, 'no question is shown');
    assert.equal(posts.length, 0);
    await page.context().close();
  }
  // Another token, and the same token on another survey, still open the survey.
  for (const query of ['survey=post-call&token=tk-once-2&lang=en', 'survey=post-service&token=tk-once-1&lang=en']) {
    const page = await newPage(browser, PHONE, { locale: 'en-US' });
    await page.goto(`${collector.url}/?${query}`);
    await page.locator('fieldset.sw-q').first().waitFor();
    assert.equal(await page.locator('.sw-link-used').count(), 0);
    await page.context().close();
  }
  assert.equal(collector.rows().length, rows, 'still one response for the link');
});

// issue 13 item 1: two people open the link before either submits; the second is
// refused with 409 and told the truth: already answered, not recorded, nothing queued.
test('issue 13 item 1: a 409 at submit says already answered, not "will be sent"', async () => {
  const open = async () => {
    const page = await newPage(browser, PHONE, { locale: 'en-US' });
    await page.goto(`${collector.url}/?survey=post-call&dealer=D003&token=tk-twice&lang=en`);
    await page.locator('fieldset.sw-q').first().waitFor();
    return page;
  };
  const [a, b] = [await open(), await open()];
  const rows = collector.rows().length;
  await completeSurvey(a, 'last');
  await a.locator('.sw-done').waitFor();
  assert.equal(collector.rows().length, rows + 1);
  const refused = [];
  b.on('response', (r) => { if (r.url().endsWith('/v1/responses') && r.status() === 409) refused.push(r.status()); });
  await completeSurvey(b, 'last');
  await b.locator('.sw-done h2').waitFor();
  assert.deepEqual(refused, [409]);
  const text = await b.locator('.sw-done').innerText();
  assert.match(text, /This survey has already been answered/);
  assert.match(text, /These answers were not recorded and will not be sent\./);
  assert.doesNotMatch(text, /will be sent when|will be sent automatically|Thank you for your feedback/i);
  const outbox = JSON.parse(await b.evaluate(() => localStorage.getItem('survey-widget:outbox')) || '{"entries":[]}');
  assert.deepEqual(outbox.entries.filter((e) => e.state !== 'failed'), [], 'nothing is queued to be sent');
  assert.equal(collector.rows().length, rows + 1, 'still one response for the link');
  await a.context().close();
  await b.context().close();
});
