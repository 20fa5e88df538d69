// Counts what a survey asks of a customer (issue 17): taps, typed characters and
// screens, walking it as a scripted customer who answers each question by a policy.
// Flow-agnostic: on every screen it answers the visible questions not yet answered,
// and presses the primary button only when the screen did not move on by itself (the
// question flow moves on after a one-tap answer: the walker waits for that, and a
// moment more, as a person reading the next question does).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support.mjs';

/** Question id → its input (type, points, options…), from the built-in definition. */
export function inputs(survey) {
  const def = JSON.parse(readFileSync(join(ROOT, `core/src/templates/${survey}.json`), 'utf8'));
  const out = new Map();
  for (const page of def.pages) {
    for (const q of page.questions) {
      out.set(q.id, q.input);
      for (const item of q.input.items ?? []) out.set(item.id, { type: 'rating', points: q.input.points });
    }
  }
  return out;
}

/**
 * A customer's policy: for a question id and its input, what to do. Returns
 * `{ pick: index }` (0-based among the choices shown, negative from the end),
 * `{ tick: [indexes] }`, `{ type: 'text' }`, `{ contact: 'phone number' }` or null (skip).
 */
export const POLICIES = {
  /** Delighted: yes, top of every scale, 10, nothing typed. */
  happy: (id, input) => {
    switch (input?.type) {
      case 'yes_no': return { pick: 0 };
      case 'rating': case 'nps': case 'scale': return { pick: -1 };
      case 'single_choice': return { pick: 0 };
      default: return null;
    }
  },
  /** Unhappy: not on time, not all done, not fixed; 2 of 5, NPS 3; says what went
   * wrong, writes a comment and leaves a phone number to be called back. */
  unhappy: (id, input) => {
    if (['p_on_time', 'p_all_done', 'p_fixed_first_time', 'fcr'].includes(id)) return { pick: 1 };
    switch (input?.type) {
      case 'yes_no': return { pick: 0 };
      case 'rating': return { pick: 1 };
      case 'nps': return { pick: 3 };
      case 'scale': return { pick: 1 };
      case 'single_choice': return { pick: 0 };
      case 'multi_choice': return { tick: [0, 1] };
      case 'text': return { type: '等了三个小时，车还没有修好，希望有人联系我。' };
      case 'contact': return { contact: '13800138000' };
      default: return null;
    }
  },
};

/**
 * Walks the survey in `scope` to its thank-you screen by `policy`; returns
 * `{ taps, chars, screens }`. Every click is one tap (a text field's focus tap included);
 * `chars` counts typed characters; `screens` counts the screens shown, thank-you included.
 * On a checklist whose items the policy answers all yes, the customer taps "All yes"
 * (`button.sw-all-yes`) once, unless `{ allYes: false }`: then each yes, as before it existed.
 * A timed customer (bench/customer.mjs) passes `onScreen(here)` (reads the screen),
 * `beforeTap()` (decides) and `settle` (the pause after the flow moved by itself, 450 ms
 * by default: a reader's; 0 when `onScreen` reads).
 */
export async function walk(page, scope, policy, inputsById,
  { allYes = true, onScreen = async () => {}, beforeTap = async () => {}, settle = 450 } = {}) {
  let taps = 0;
  let chars = 0;
  let screens = 1;
  const tap = async (locator) => { await beforeTap(); await locator.click(); taps += 1; };
  // The question flow's screen key, else the progress label ("page 3 of 8"): "3
  // questions left" changes as an answer brings in a follow-up, before any move. Read
  // without waiting (evaluateAll): an action like getAttribute waits for its element, and
  // the form is gone the moment the thank-you replaces it, so it waited Playwright's
  // 30 s default and then gave up; that was the "~30 s stall" after a send.
  const key = () => scope.locator('form[data-sw-screen]')
    .evaluateAll((fs) => fs[0]?.getAttribute('data-sw-screen') ?? null);
  const screenKey = async () => {
    if (await scope.locator('.sw-done').count()) return 'done';
    return (await key()) ?? scope.locator('.sw-progress-label').evaluateAll((ls) => ls[0]?.textContent ?? '');
  };
  for (let guard = 0; guard < 60; guard++) {
    if (await scope.locator('.sw-done').count()) return { taps, chars, screens };
    const before = await screenKey();
    const done = new Set();
    let picked = false;
    // The question flow's screen: only its questions are this screen's (the next one
    // may come in by itself while this one is being answered).
    const at = await key();
    const here = at === null ? scope : scope.locator(`form[data-sw-screen="${at}"]`);
    await onScreen(here);
    // "All yes": one tap for a checklist the policy answers yes throughout (it moves
    // on by itself in the question flow, like a pick).
    const shortcut = here.locator('button.sw-all-yes');
    if (allYes && await shortcut.count()) {
      const ids = await here.locator('.sw-q').evaluateAll((fs) => fs.map((f) => f.id));
      const all = ids.map((d) => d.replace(/^[^-]+(-\d+)?-q-/, ''));
      if (all.every((id) => inputsById.get(id)?.type === 'yes_no' && policy(id, inputsById.get(id))?.pick === 0)) {
        await tap(shortcut.first());
        ids.forEach((d) => done.add(d));
        picked = true;
      }
    }
    for (let round = 0; round < 5; round++) {
      let changed = false;
      const ids = await here.locator('.sw-q, fieldset.sw-matrix-item')
        .evaluateAll((fs) => fs.filter((f) => !f.querySelector('fieldset')).map((f) => f.id));
      for (const domId of ids) {
        if (done.has(domId)) continue;
        done.add(domId);
        const id = domId.replace(/^[^-]+(-\d+)?-q-/, '');
        const what = policy(id, inputsById.get(id));
        if (!what) continue;
        const q = scope.locator(`[id="${domId}"]`);
        // The first group: a scale's "not applicable" is a group of its own after it.
        const choices = q.locator(':scope > .sw-choices').first().locator('label.sw-choice');
        if (what.pick !== undefined) {
          const n = await choices.count();
          if (!n) continue;
          await tap(choices.nth(what.pick < 0 ? n + what.pick : what.pick));
          changed = true;
          picked = true;
        } else if (what.tick) {
          for (const i of what.tick) await tap(choices.nth(i));
          changed = true;
        } else if (what.type !== undefined) {
          const field = q.locator('textarea, input[type="text"]').first();
          await tap(field);
          await field.pressSequentially(what.type);
          chars += [...what.type].length;
        } else if (what.contact !== undefined) {
          await tap(q.locator('input[type="checkbox"]').first());
          const field = q.locator('input[type="tel"]').first();
          await field.waitFor();
          await tap(field);
          await field.pressSequentially(what.contact);
          chars += what.contact.length;
          changed = true;
        }
      }
      if (!changed) break;
    }
    // A flow that moves on by itself after a choice needs no button: after a pick, give
    // it time to (its short transition), and a moment more so the next tap is not
    // taken for the same finger landing twice. The page flow never moves by itself.
    if (picked && at !== null) {
      const wait = Date.now() + 800;
      while (Date.now() < wait && (await screenKey()) === before) await page.waitForTimeout(25);
      if ((await screenKey()) !== before && settle) await page.waitForTimeout(settle);
    }
    await page.waitForTimeout(50);
    if ((await screenKey()) === before && !(await scope.locator('.sw-done').count())) {
      await tap(scope.locator('.sw-btn-primary'));
    }
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (await screenKey()) === before) await page.waitForTimeout(25);
    if ((await screenKey()) === before) throw new Error(`stuck on ${before}`);
    screens += 1;
  }
  throw new Error('the survey did not end in 60 screens');
}
