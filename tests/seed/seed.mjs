// Realistic responses for a dealer group, posted to a running collector the way real
// ones arrive: each visit gets a signed survey link (`POST /v1/links`, as the QR page
// asks for it), and the customer's answers are posted to `/v1/responses` with that
// link's context; a share come from the script tag on the dealers' own sites, with no
// link, and are stored unverified. Answers follow the built-in questionnaires
// (core/src/templates), their conditions included, with moods that differ by advisor,
// so the console's tables have something to rank. Deterministic for a given seed.
//
//   node tests/seed/seed.mjs --url http://127.0.0.1:8080 --login demo --password … \
//        [--responses 3000] [--months 12] [--seed 42] [--if-empty]
//
// The collector's posting limits (30 a minute per address by default) stop a seeding
// run; start the collector with `--post-rate-per-address 100000 --post-burst-per-address
// 100000` for it (scripts/run does when it seeds the demo).
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const template = (id) => JSON.parse(readFileSync(join(ROOT, 'core', 'src', 'templates', `${id}.json`), 'utf8'));

export const DEALERS = ['D001', 'D002', 'D003'];
/** Four advisors per dealer; each has a mood: the share of delighted customers. */
export const ADVISORS = DEALERS.flatMap((d, i) => ['A', 'B', 'C', 'D'].map((x, j) => ({
  dealer: d, id: `${d}-${x}`, delight: [0.8, 0.65, 0.5, 0.35][(i + j) % 4],
})));
export const AGENTS = DEALERS.map((d) => ({ dealer: d, id: `${d}-CC1` }));

/** How often an item is marked one point lower than the customer's mood gives. */
const WEAK = { s_fair_price: 0.4, s_duration: 0.3, s_wait_reception: 0.25 };

/** mulberry32: a small, seedable generator, so the same seed gives the same data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether a definition's condition holds for the answers so far (core/src/questionnaire/conditions.rs). */
function holds(c, answers) {
  if (!c) return true;
  if (c.any) return c.any.some((x) => holds(x, answers));
  if (c.all) return c.all.every((x) => holds(x, answers));
  if (c.not) return !holds(c.not, answers);
  const scale = (q) => answers[q]?.scale;
  if (c.at_most) return scale(c.at_most.question) !== undefined && scale(c.at_most.question) <= c.at_most.value;
  if (c.at_least) return scale(c.at_least.question) !== undefined && scale(c.at_least.question) >= c.at_least.value;
  if (c.equals) return JSON.stringify(answers[c.equals.question]) === JSON.stringify(c.equals.value);
  throw new Error(`seed: a condition it does not know: ${JSON.stringify(c)}`);
}

/** One customer's answers to `def`, for a customer who is `mood` (delighted, ok, unhappy). */
export function answersFor(def, mood, random) {
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const base = (points) => {
    const top = points;
    if (mood === 'delighted') return random() < 0.85 ? top : top - 1;
    if (mood === 'ok') return pick([top - 1, top - 1, top - 2, top]);
    return pick([1, 2, 2, 3]);
  };
  // What customers mark down more often than the rest (the seeds' usual complaints:
  // price, waiting, the length of the job), so the weakest dimension means something.
  const point = (points, id) => Math.max(1, base(points) - (random() < (WEAK[id] ?? 0) ? 1 : 0));
  const answers = {};
  for (const page of def.pages) {
    for (const q of page.questions) {
      const input = q.input;
      if (!holds(q.show_if ?? q.visible_if, answers)) continue;
      if (!q.required && !['multi_choice', 'contact', 'text'].includes(input.type)) {
        if (random() < 0.5) continue;
      }
      switch (input.type) {
        case 'rating':
          answers[q.id] = input.allow_na && random() < 0.05 ? 'not_applicable' : { scale: point(input.points, q.id) };
          break;
        case 'matrix':
          for (const item of input.items) answers[item.id] = { scale: point(input.points, item.id) };
          break;
        case 'nps':
          answers[q.id] = { scale: mood === 'delighted' ? pick([9, 10, 10]) : mood === 'ok' ? pick([7, 8, 8, 9]) : pick([2, 4, 5, 6]) };
          break;
        case 'yes_no':
          if (input.allow_na && random() < 0.1) answers[q.id] = 'not_applicable';
          else answers[q.id] = { yes_no: mood === 'unhappy' ? random() < 0.5 : random() < 0.95 };
          break;
        case 'single_choice':
          answers[q.id] = { choice: pick(input.options).value };
          break;
        case 'multi_choice':
          if (q.required || random() < 0.8) {
            const chosen = input.options.filter(() => random() < 0.3);
            answers[q.id] = { choices: (chosen.length ? chosen : [pick(input.options)]).map((o) => o.value) };
          }
          break;
        case 'contact':
          if (mood === 'unhappy' && random() < 0.6) {
            answers[q.id] = { contact: { consent: true, phone: `139${String(Math.floor(random() * 1e8)).padStart(8, '0')}` } };
          }
          break;
        case 'text':
          if (random() < (mood === 'unhappy' ? 0.7 : 0.2)) {
            answers[q.id] = { text: mood === 'unhappy' ? pick(['等了太久，没人告诉我进度。', '问题没有修好，又要再来一次。', '收费比报价高。']) : pick(['服务很好，谢谢！', '休息室很舒服。', '顾问讲解很清楚。']) };
          }
          break;
        case 'hidden':
          break;
        default:
          throw new Error(`seed: an input type it does not know: ${input.type}`);
      }
    }
  }
  return answers;
}

/** A signed-in session on the collector: its cookie and CSRF token. */
export async function signIn(url, login, password) {
  const r = await fetch(`${url}/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }),
  });
  if (!r.ok) throw new Error(`seed: sign-in as ${login} failed: ${r.status} ${await r.text()}`);
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  const me = await (await fetch(`${url}/v1/auth/me`, { headers: { cookie } })).json();
  return { cookie, csrf: me.csrf };
}

/** The context the widget reads from a signed link's URL (survey_core::context::LINK_PARAMS). */
const LINK_PARAMS = { dealer: 'dealer', ro: 'repair_order', advisor: 'advisor', visit: 'visit_date', channel: 'channel', agent: 'agent', call: 'call_type', token: 'token', exp: 'exp', sig: 'sig' };

/**
 * Posts `responses` responses spread over the last `months` months (created_at), about
 * 80% post-service; 1 in 10 without a link (unverified). Returns what it posted.
 */
export async function seed({ url, login, password, responses = 300, months = 12, seed = 42, now = Date.now() }) {
  const random = rng(seed);
  const session = await signIn(url, login, password);
  const defs = { 'post-service': template('post-service'), 'post-call': template('post-call') };
  const posted = [];
  for (let i = 0; i < responses; i++) {
    const postCall = random() < 0.2;
    const survey = postCall ? 'post-call' : 'post-service';
    const who = postCall ? AGENTS[Math.floor(random() * AGENTS.length)] : ADVISORS[Math.floor(random() * ADVISORS.length)];
    const delight = postCall ? 0.6 : who.delight;
    const r = random();
    const mood = r < delight ? 'delighted' : r < delight + (1 - delight) * 0.6 ? 'ok' : 'unhappy';
    const created = new Date(now - Math.floor(random() * months * 30.4 * 86400e3));
    const visit = new Date(created.getTime() - 2 * 86400e3).toISOString().slice(0, 10);
    let context;
    if (random() < 0.9) {
      const body = postCall
        ? { survey, dealer: who.dealer, agent: who.id, call_type: 'service_follow_up', channel: 'sms' }
        : { survey, dealer: who.dealer, advisor: who.id, repair_order: `RO-${created.getUTCFullYear()}/${1000 + i}`, visit_date: visit, channel: 'qr' };
      const link = await fetch(`${url}/v1/links`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', cookie: session.cookie, 'X-CSRF-Token': session.csrf },
        body: JSON.stringify(body),
      });
      if (link.status !== 201) throw new Error(`seed: POST /v1/links ${link.status} ${await link.text()}`);
      const { url: linkUrl } = await link.json();
      context = {};
      for (const [k, v] of new URL(linkUrl).searchParams) if (LINK_PARAMS[k]) context[LINK_PARAMS[k]] = v;
    } else {
      context = postCall ? { dealer: who.dealer, agent: who.id } : { dealer: who.dealer, advisor: who.id };
    }
    const answers = answersFor(defs[survey], mood, random);
    if (postCall) answers.call_type = undefined;
    const payload = {
      format: 'survey-response/1',
      id: randomUUID(),
      survey: { id: survey, version: defs[survey].version },
      locale: 'zh-CN',
      created_at: created.toISOString(),
      context,
      answers: JSON.parse(JSON.stringify(answers)),
      client: { widget_version: 'seed', mode: 'page' },
    };
    const res = await fetch(`${url}/v1/responses`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': payload.id }, body: JSON.stringify(payload),
    });
    if (!res.ok) throw new Error(`seed: POST /v1/responses ${res.status} ${await res.text()}`);
    posted.push({ id: payload.id, survey, dealer: who.dealer, who: who.id, mood, created_at: payload.created_at, verified: 'sig' in context });
  }
  // Lounge kiosks: one paired tablet per dealer, answering post-service surveys (about
  // one response in twenty on top of the above, from a random stream of their own so
  // the rows above stay what they were for a given seed).
  const kioskRandom = rng(seed + 1);
  const kiosks = {};
  for (const dealer of DEALERS) {
    const r = await fetch(`${url}/v1/kiosks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', cookie: session.cookie, 'X-CSRF-Token': session.csrf },
      body: JSON.stringify({ dealer, station: 'LOUNGE-1', label: 'seed' }),
    });
    if (r.status !== 201) throw new Error(`seed: POST /v1/kiosks ${r.status} ${await r.text()}`);
    kiosks[dealer] = (await r.json()).key;
  }
  for (let i = 0; i < Math.ceil(responses / 20); i++) {
    const dealer = DEALERS[Math.floor(kioskRandom() * DEALERS.length)];
    const r = kioskRandom();
    const mood = r < 0.6 ? 'delighted' : r < 0.85 ? 'ok' : 'unhappy';
    const created = new Date(now - Math.floor(kioskRandom() * months * 30.4 * 86400e3));
    const payload = {
      format: 'survey-response/1',
      id: randomUUID(),
      survey: { id: 'post-service', version: defs['post-service'].version },
      locale: 'zh-CN',
      created_at: created.toISOString(),
      context: { dealer, station: 'LOUNGE-1' },
      answers: JSON.parse(JSON.stringify(answersFor(defs['post-service'], mood, kioskRandom))),
      client: { widget_version: 'seed', mode: 'kiosk' },
    };
    const res = await fetch(`${url}/v1/responses`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': payload.id, 'X-Kiosk-Key': kiosks[dealer] },
      body: JSON.stringify(payload),
    });
    if (!res.ok) throw new Error(`seed: POST /v1/responses (kiosk) ${res.status} ${await res.text()}`);
    posted.push({ id: payload.id, survey: 'post-service', dealer, who: 'LOUNGE-1', station: 'LOUNGE-1', mood, created_at: payload.created_at, verified: true });
  }
  // Visits whose customer never answered: a signed link each and no response (the QR
  // card left in the glovebox), four for every five answered visits, so the overview's
  // response rate and the coverage page are not 100%. A stream of their own, so the
  // rows above stay what they were for a given seed.
  const quietRandom = rng(seed + 2);
  const answered = posted.filter((p) => p.survey === 'post-service' && p.verified && !p.station).length;
  for (let i = 0; i < Math.round(answered * 0.8); i++) {
    const who = ADVISORS[Math.floor(quietRandom() * ADVISORS.length)];
    const picked = new Date(now - 2 * 86400e3 - Math.floor(quietRandom() * months * 30.4 * 86400e3));
    const body = { survey: 'post-service', dealer: who.dealer, advisor: who.id, repair_order: `RO-${picked.getUTCFullYear()}/${900000 + i}`,
      visit_date: picked.toISOString().slice(0, 10), channel: 'qr' };
    const link = await fetch(`${url}/v1/links`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', cookie: session.cookie, 'X-CSRF-Token': session.csrf },
      body: JSON.stringify(body),
    });
    if (link.status !== 201) throw new Error(`seed: POST /v1/links (unanswered) ${link.status} ${await link.text()}`);
  }
  return posted;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]?.startsWith('--') ? '' : all[i + 1]]] : acc), []));
  if (!args.url || !args.login || !args.password) {
    console.error('usage: node tests/seed/seed.mjs --url URL --login LOGIN --password PASSWORD [--responses N] [--months M] [--seed S]');
    process.exit(2);
  }
  if ('if-empty' in args) {
    const session = await signIn(args.url, args.login, args.password);
    const r = await fetch(`${args.url}/v1/responses?limit=1&verified=all`, { headers: { cookie: session.cookie } });
    if (r.ok && (await r.json()).items?.length) {
      console.log('the database holds responses already: not seeding');
      process.exit(0);
    }
  }
  const t0 = Date.now();
  const posted = await seed({ url: args.url, login: args.login, password: args.password,
    responses: Number(args.responses ?? 3000), months: Number(args.months ?? 12), seed: Number(args.seed ?? 42) });
  console.log(`seeded ${posted.length} responses (${posted.filter((p) => p.verified).length} through signed links) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
