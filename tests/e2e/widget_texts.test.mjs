// Issue 13 item 18: every text the widget shows can be given by the definition. A dealer
// adds two languages the widget does not ship (ko, ja) with a full `widget_texts` block
// each; walked through the survey (field errors, counter, language switch, thank-you), the
// kiosk (welcome, idle countdown, staff menu, countdown after the thank-you) and the
// floating button's dialog, the page shows none of the built-in zh-CN, zh-TW or English
// texts. The built-in texts are read from the one list, core/src/texts.rs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, PHONE, startCollector, launchBrowser, newPage, makeSite, hostPage, scriptTagPage,
  completeSurvey, answerPageWithFirstOptions, until,
} from './support.mjs';

/** The one list: key, placeholders and the three built-in texts of every widget text. */
function builtInTexts() {
  const src = readFileSync(join(ROOT, 'core/src/texts.rs'), 'utf8');
  const body = src.slice(src.indexOf('texts! {'), src.indexOf('\nimpl Msg'));
  const entry = /\w+ "([a-z_]+)" "([a-z ]*)" \[\s*"([^"]*)",\s*"([^"]*)",\s*"([^"]*)",?\s*\]/g;
  return [...body.matchAll(entry)].map((m) => ({
    key: m[1], placeholders: m[2].split(' ').filter(Boolean), texts: [m[3], m[4], m[5]],
  }));
}
const TEXTS = builtInTexts();

/**
 * What of the built-in texts may not show: each text's parts between placeholders, of
 * two characters or more (single letters like the "s" of "in {n} s" would match
 * anything), and whole one-character texts (是, 否).
 */
const FORBIDDEN = [...new Set(TEXTS.flatMap((t) => t.texts.flatMap((text) => {
  const parts = text.split(/\{[a-z_]+\}/).map((p) => p.trim()).filter((p) => p.length >= 2);
  return text.length === 1 ? [text] : parts;
})))];

/** A full block for a language: every key, as `open + key + close`, with its placeholders. */
const block = (open, close) => Object.fromEntries(TEXTS.map((t) => [
  t.key, `${open}${t.key}${close}${t.placeholders.map((p) => ` {${p}}`).join('')}`,
]));

/** The post-service questionnaire in ko and ja only (its texts numbered, in Hangul and kana). */
function dealerLanguages() {
  const def = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));
  let n = 0;
  const relabel = (v) => {
    if (Array.isArray(v)) { v.forEach(relabel); return; }
    if (!v || typeof v !== 'object') return;
    if (typeof v.en === 'string') {
      n += 1;
      for (const k of Object.keys(v)) delete v[k];
      Object.assign(v, { ko: `문항 ${n}`, ja: `項目 ${n}` });
      return;
    }
    Object.values(v).forEach(relabel);
  };
  relabel(def.title);
  relabel(def.pages);
  def.id = 'texts-ko';
  def.locales = ['ko', 'ja'];
  def.default_locale = 'ko';
  def.widget_texts = { ko: block('〈', '〉'), ja: block('《', '》') };
  return JSON.stringify(def);
}

/** The built-in texts found in the page's text or in its elements' accessible labels. */
async function leaks(page, scope = 'body') {
  const seen = await page.evaluate((sel) => {
    const root = document.querySelector(sel);
    const labels = [...root.querySelectorAll('[aria-label], [placeholder], [title]')]
      .map((e) => [e.getAttribute('aria-label'), e.getAttribute('placeholder'), e.getAttribute('title')].join(' '));
    return `${root.innerText}\n${labels.join('\n')}`;
  }, scope);
  // The dealer's texts name their keys (`〈page_of〉`): those names are not built-in words.
  const words = seen.replace(/[〈《][a-z_]+[〉》]/g, ' ');
  return FORBIDDEN.filter((f) => words.includes(f));
}

const KIOSK = { width: 1280, height: 800 };
let site;
let collector;
let browser;
before(async () => {
  site = makeSite({
    'surveys/texts-ko.json': dealerLanguages(),
    'texts-ko.html': hostPage({ definition: 'surveys/texts-ko.json', endpoint: '/v1/responses' }),
    'texts-ko-kiosk.html': hostPage({
      definition: 'surveys/texts-ko.json', endpoint: '/v1/responses', mode: 'kiosk',
      'kiosk-pin': '2468', 'idle-seconds': '90',
    }),
    'static/texts-ko-button.html': scriptTagPage({
      definition: '/surveys/texts-ko.json', endpoint: '/v1/responses', display: 'button', label: '설문',
    }),
  });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

test('the list read from core/src/texts.rs is whole', () => {
  const rs = readFileSync(join(ROOT, 'core/src/texts.rs'), 'utf8');
  const variants = rs.slice(rs.indexOf('texts! {'), rs.indexOf('\nimpl Msg')).match(/^ {4}[A-Z]\w+ "/gm);
  assert.equal(TEXTS.length, variants.length, 'every entry of the table parsed');
  assert.ok(TEXTS.length >= 50 && FORBIDDEN.includes('下一页') && FORBIDDEN.includes('characters left'));
});

test('a survey in two dealer-added languages shows none of the built-in texts', async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(`${collector.url}/texts-ko.html`);
  await page.locator('.sw-page-title').waitFor();
  assert.deepEqual(await leaks(page), [], 'first page');
  assert.equal(await page.locator('.sw-progress-label').innerText(), '〈page_of〉 1 10');
  // The language switch: its label and both names come from the definition.
  assert.equal(await page.locator('.sw-lang').getAttribute('aria-label'), '〈language〉');
  assert.deepEqual(await page.locator('.sw-lang-btn').allInnerTexts(), ['〈language_name〉', '《language_name》']);
  // Next with nothing answered: the field errors and the page's summary.
  await page.locator('.sw-btn-primary').click();
  await page.locator('.sw-field-error', { hasText: '〈required〉' }).first().waitFor();
  await page.getByText('〈fix_problems〉').waitFor();
  assert.deepEqual(await leaks(page), [], 'field errors');
  // Every page, in Japanese from the second one on.
  await page.getByRole('button', { name: '《language_name》' }).click();
  await page.getByText('《page_of》 1 10').waitFor();
  let counted = 0;
  let pages = 0;
  for (; pages < 15 && !(await page.locator('.sw-done').count()); pages++) {
    const counter = page.locator('.sw-count');
    if (await counter.count()) {
      await page.locator('.sw-q textarea').first().fill('x');
      assert.match(await counter.first().innerText(), /^《characters_left》 \d+$/);
      counted += 1;
    }
    assert.deepEqual(await leaks(page), [], `page ${pages + 1}`);
    await answerPageWithFirstOptions(page);
  }
  assert.ok(pages >= 8 && counted > 0, `walked ${pages} pages, ${counted} with a counter`);
  await page.locator('.sw-done').waitFor();
  assert.match(await page.locator('.sw-done').innerText(), /《sorry_title》/);
  assert.deepEqual(await leaks(page), [], 'thank-you');
  assert.deepEqual(page.consoleErrors, []);
  await page.context().close();
});

test('the kiosk in a dealer-added language: welcome, idle countdown, staff menu and the countdown after the thank-you', async () => {
  const page = await newPage(browser, KIOSK);
  await page.clock.install();
  await page.goto(`${collector.url}/texts-ko-kiosk.html`);
  await page.getByRole('button', { name: '〈kiosk_start〉' }).waitFor();
  await page.getByText('〈kiosk_welcome〉').waitFor();
  assert.deepEqual(await leaks(page), [], 'welcome');
  // Staff menu: wrong PIN, then the right one.
  await page.getByRole('button', { name: '〈staff〉' }).click();
  await page.getByLabel('〈staff_pin〉').fill('1111');
  await page.getByRole('button', { name: '〈staff_ok〉' }).click();
  await page.getByText('〈staff_wrong_pin〉').waitFor();
  await page.getByRole('button', { name: '〈staff_cancel〉' }).waitFor();
  assert.deepEqual(await leaks(page), [], 'PIN form');
  await page.getByLabel('〈staff_pin〉').fill('2468');
  await page.getByRole('button', { name: '〈staff_ok〉' }).click();
  await page.getByRole('button', { name: '〈staff_reset〉' }).waitFor();
  await page.getByRole('button', { name: '〈staff_exit〉' }).waitFor();
  await page.getByText('〈staff_refused〉 0').waitFor();
  await page.getByText('〈staff_not_paired〉').waitFor();
  assert.deepEqual(await leaks(page), [], 'staff menu');
  await page.getByRole('button', { name: '〈staff_close〉' }).click();
  // A customer idles: the banner and its countdown.
  await page.getByRole('button', { name: '〈kiosk_start〉' }).click();
  await page.locator('.sw-page-title').waitFor();
  await page.clock.runFor(75_000);
  const idle = page.getByRole('alertdialog');
  await idle.getByText('〈still_there〉').waitFor();
  assert.match(await idle.innerText(), /〈starting_over_in〉 \d+/);
  assert.deepEqual(await leaks(page), [], 'idle banner');
  await idle.getByRole('button', { name: '〈keep_going〉' }).click();
  // The customer finishes: the thank-you counts down to the welcome screen.
  await completeSurvey(page, 'last');
  await page.locator('.sw-done').waitFor();
  await page.getByText(/〈back_to_start_in〉 \d+/).waitFor();
  assert.deepEqual(await leaks(page), [], 'thank-you');
  await page.context().close();
});

test("the dialog's Close speaks the dealer-added language once the survey has loaded", async () => {
  const page = await newPage(browser, PHONE);
  await page.goto(`${collector.url}/static/texts-ko-button.html`);
  await page.getByRole('button', { name: '설문' }).click();
  const dialog = page.locator('dialog.sw-dialog');
  await dialog.locator('.sw-page-title').waitFor();
  const close = dialog.locator('.sw-dialog-close');
  await until(async () => (await close.innerText()) === '〈close〉', 'Close in ko');
  await dialog.getByRole('button', { name: '《language_name》' }).click();
  await until(async () => (await close.innerText()) === '《close》', 'Close in ja');
  await page.context().close();
});
