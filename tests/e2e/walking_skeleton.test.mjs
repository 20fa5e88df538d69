// The whole path: the collector serves the built demo, a customer answers every
// page on a phone-sized headless Chromium, and exactly one row lands in SQLite whose
// answers are what was clicked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, PHONE, startCollector, launchBrowser, newPage } from './support.mjs';

const template = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));
const questions = new Map(template.pages.flatMap((p) => p.questions).map((q) => [q.id, q]));

let collector;
let browser;
before(async () => { collector = await startCollector(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await collector?.stop(); });

/** Picks an answer for a question (varied by position) and returns what it should store. */
function choose(q, n) {
  switch (q.input.type) {
    case 'rating': { const v = (n % q.input.points) + 1; return { label: String(v), stored: { scale: v } }; }
    case 'nps': return { label: '8', stored: { scale: 8 } };
    case 'yes_no':
      if (q.input.allow_na) return { label: '不适用', stored: 'not_applicable' };
      return n % 2 ? { label: '否', stored: { yes_no: false } } : { label: '是', stored: { yes_no: true } };
    case 'text': return { text: '前台很热情 <b>&amp;</b> "quoted"', stored: { text: '前台很热情 <b>&amp;</b> "quoted"' } };
    case 'contact': return { contact: '138 0013 8000', stored: { contact: { consent: true, phone: '138 0013 8000' } } };
    case 'multi_choice': return { options: [0, 2], stored: { choices: q.input.options.filter((_, i) => i === 0 || i === 2).map((o) => o.value) } };
    default: throw new Error(`no answer strategy for ${q.input.type}`);
  }
}

test('a customer answers every page on a phone and exactly one matching row is stored', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(collector.url + '/');
  const first = template.pages[0].questions[0];
  await page.getByText(first.text['zh-CN']).waitFor({ timeout: 15000 });

  const expected = {};
  let n = 0;
  for (let p = 0; p < template.pages.length; p++) {
    await page.locator('h2.sw-page-title', { hasText: template.pages[p].title['zh-CN'] }).waitFor();
    for (const q of template.pages[p].questions) {
      const field = page.locator(`[id="sw0-q-${q.id}"]`);
      if (!(await field.count())) continue; // skip logic hid it (asserted in questionnaires.test.mjs)
      const choice = choose(questions.get(q.id), n++);
      if (choice.text !== undefined) {
        await field.locator('textarea').fill(choice.text);
      } else if (choice.contact !== undefined) {
        await field.getByRole('checkbox').check();
        await field.getByRole('textbox', { name: '手机号码' }).fill(choice.contact);
      } else if (choice.options !== undefined) {
        for (const i of choice.options) await field.locator('label.sw-choice').nth(i).click();
      } else {
        await field.locator('label.sw-choice', { hasText: new RegExp(`^${choice.label}`) }).first().click();
      }
      expected[q.id] = choice.stored;
    }
    const last = p === template.pages.length - 1;
    await page.getByRole('button', { name: last ? '提交' : '下一页' }).click();
  }
  // s_overall 2 of 5 is a hot alert: the thank-you apologises and promises a call.
  await page.getByRole('heading', { name: '很抱歉没能让您满意' }).waitFor();

  const rows = collector.rows();
  assert.equal(rows.length, 1, 'exactly one stored response');
  assert.deepEqual(JSON.parse(rows[0].answers), expected);
  assert.equal(rows[0].survey_id, 'post-service');
  assert.equal(rows[0].locale, 'zh-CN');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('an unanswered page is not left: the problem is shown and focused', async () => {
  const stored = collector.rows().length;
  const page = await newPage(browser, PHONE);
  await page.goto(collector.url + '/');
  await page.getByRole('button', { name: '下一页' }).click();
  const error = page.locator('[id="sw0-err-p_appointment"]');
  await assert.doesNotReject(error.filter({ hasText: '请回答此题。' }).waitFor());
  const focused = await page.evaluate(() => document.activeElement?.closest('fieldset')?.id);
  assert.equal(focused, 'sw0-q-p_appointment');
  assert.equal(collector.rows().length, stored, 'nothing new stored');
  await page.context().close();
});

test('the language switch and ?lang= show English', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(collector.url + '/?lang=en');
  await page.getByText('Did we offer you an appointment? (Came without one? Choose “Not applicable”.)').waitFor();
  await page.getByRole('button', { name: '简体中文' }).click();
  await page.getByText(template.pages[0].questions[0].text['zh-CN']).waitFor();
  assert.equal(await page.locator('.sw').getAttribute('lang'), 'zh-CN');
  await page.context().close();
});
