// Issue 17: what each path asks of a customer, counted by a scripted customer
// (tests/e2e/taps.mjs): taps, typed characters and screens for the happy and unhappy
// post-service paths and the post-call paths, on a phone, in both flows (a page at a
// time, one question at a time). The counts are printed and written to
// tests/e2e/artifacts/taps.txt (a measurement, not a limit); the test checks that each
// walk really answered the survey as its policy says, and that both flows stored the
// same answers for it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, PHONE, startCollector, launchBrowser, newPage, widgetRunning, until } from './support.mjs';
import { POLICIES, inputs, walk } from './taps.mjs';

let collector;
let browser;
const table = [];
before(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await collector?.stop();
  if (table.length) {
    const lines = ['path                     flow      taps  chars  screens', ...table.map((r) =>
      `${r.path.padEnd(24)} ${r.flow.padEnd(9)} ${String(r.taps).padStart(4)} ${String(r.chars).padStart(6)} ${String(r.screens).padStart(8)}`)];
    mkdirSync(join(ROOT, 'tests/e2e/artifacts'), { recursive: true });
    writeFileSync(join(ROOT, 'tests/e2e/artifacts/taps.txt'), `${lines.join('\n')}\n`);
    console.log(lines.join('\n'));
  }
});

async function walkIn(flow, path, survey, policy, query) {
  const page = await newPage(browser, PHONE, { locale: 'zh-CN' });
  await page.goto(`${collector.url}/?survey=${survey}&lang=zh-CN&flow=${flow}${query}`);
  await widgetRunning(page);
  const before = collector.rows().length;
  const counts = await walk(page, page, POLICIES[policy], inputs(survey));
  await until(() => collector.rows().length === before + 1, 'the stored response');
  table.push({ path, flow, ...counts });
  const row = collector.rows().at(-1);
  await page.context().close();
  return { counts, answers: JSON.parse(row.answers) };
}

/** The path in both flows: the same answers stored; the question flow's counts. */
async function run(path, survey, policy, query = '') {
  const page = await walkIn('page', path, survey, policy, query);
  const question = await walkIn('question', path, survey, policy, query);
  assert.deepEqual(question.answers, page.answers, 'both flows store the same answers');
  assert.ok(question.counts.screens > page.counts.screens, 'one question per screen');
  return question;
}

test('the happy post-service path: every answer the best, nothing typed', async () => {
  const { counts, answers } = await run('post-service happy', 'post-service', 'happy');
  assert.deepEqual(answers.nps, { scale: 10 });
  assert.deepEqual(answers.s_overall, { scale: 5 });
  assert.deepEqual(answers.p_on_time, { yes_no: true });
  assert.equal(answers.what_went_wrong, undefined, 'no follow-up question for a delighted customer');
  assert.equal(counts.chars, 0);
});

test('the unhappy post-service path: what went wrong, a comment and a phone number', async () => {
  const { counts, answers } = await run('post-service unhappy', 'post-service', 'unhappy');
  assert.deepEqual(answers.nps, { scale: 3 });
  assert.deepEqual(answers.p_fixed_first_time, { yes_no: false });
  assert.equal(answers.what_went_wrong.choices.length, 2);
  assert.match(JSON.stringify(answers.comment), /三个小时/);
  assert.match(JSON.stringify(answers.contact_me), /13800138000/);
  assert.ok(counts.chars > 20);
});

test('the post-call path: a happy caller', async () => {
  const { answers } = await run('post-call happy', 'post-call', 'happy', '&call=hotline');
  assert.deepEqual(answers.csat, { scale: 5 });
  assert.deepEqual(answers.fcr, { yes_no: true });
});

test('the post-call path: an unhappy caller whose issue is still open', async () => {
  const { counts, answers } = await run('post-call unhappy', 'post-call', 'unhappy', '&call=hotline');
  assert.deepEqual(answers.fcr, { yes_no: false });
  assert.ok(answers.open_issue, 'the follow-up question was answered');
  assert.deepEqual(answers.nps, { scale: 3 });
  assert.ok(counts.chars > 20);
});
