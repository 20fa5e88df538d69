// Benchmark: the console with a big database (issue 15). Seeds N realistic responses
// (tests/seed: signed links, real POSTs) into a fresh collector on SQLite and, when
// COLLECTOR_TEST_PG names a server, on PostgreSQL; then measures
//   * the API calls the overview makes (`/v1/summary` for a month, a quarter and a
//     year of all dealers, `/v1/breakdown?by=advisor` for the same, `/v1/dealers`):
//     p50 / p99 over repeated calls, each call alone;
//   * the console's time to first render in headless Chromium: sign-in done, `/console`
//     opened → the response count shown and the advisors table filled (median);
//   * the newer pages' reads (p50 / p99, fewer repeats for the heavy ones): the follow-up
//     targets (`/v1/targets?by=dealer`), the funnel (`/v1/funnel?by=channel`), one page
//     of the response list (25, newest first), the VOC report's tally (`/v1/voc`, and for
//     comparison its three months of `/v1/responses`, 1000 a page, as the report read
//     them before), and the CSV and XLSX
//     exports of a month and of the year, each read to its last byte.
//
//   node bench/console.mjs                 100,000 responses, 40 calls each, 5 renders
//   node bench/console.mjs --responses 20000 --calls 20 --renders 3
//   node bench/console.mjs --sqlite-only | --postgres-only
//
// It prints numbers; it asserts nothing about them (a benchmark, not a test).
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { startCollector, launchBrowser, newPage, signInOnPage, PASSWORD, COLLECTOR } from '../tests/e2e/support.mjs';
import { seed } from '../tests/seed/seed.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RESPONSES = arg('responses', 100000);
const CALLS = arg('calls', 40);
const RENDERS = arg('renders', 5);
/** Repeats of the heavy reads (the VOC tally, the exports). */
const HEAVY = arg('heavy', 5);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) => `${x.toFixed(1)} ms`;

async function session(url) {
  const r = await fetch(`${url}/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: 'bench-admin', password: PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`login ${r.status}`);
  return r.headers.get('set-cookie').split(';')[0];
}

function iso(d) { return d.toISOString().slice(0, 10); }

async function measure(backend, pg) {
  const collector = await startCollector({ args: pg ? ['--db', pg] : [] });
  try {
    // The admin goes into the database the collector serves (a URL for PostgreSQL).
    execFileSync(COLLECTOR, ['user', 'add', '--login', 'bench-admin', '--role', 'group-admin', '--password-stdin', '--db', pg ?? collector.db],
      { input: `${PASSWORD}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
    const t0 = performance.now();
    await seed({ url: collector.url, login: 'bench-admin', password: PASSWORD, responses: RESPONSES, months: 12, seed: 11 });
    const seeded = (performance.now() - t0) / 1000;
    const cookie = await session(collector.url);
    const today = new Date();
    const first = (monthsBack) => iso(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - monthsBack, 1)));
    const periods = { month: first(0), quarter: first(2), year: first(11) };
    const calls = [];
    for (const [name, from] of Object.entries(periods)) {
      const q = `survey=post-service&from=${from}&to=${iso(today)}`;
      calls.push([`summary, ${name}`, `/v1/summary?${q}`]);
      calls.push([`breakdown by advisor, ${name}`, `/v1/breakdown?by=advisor&${q}`]);
    }
    // The trend: 12 local months in one grouped call (it was 12 summary calls).
    calls.push(['breakdown by month, 12 months', `/v1/breakdown?by=month&survey=post-service&from=${first(11)}&to=${iso(today)}`]);
    calls.push(['dealers', '/v1/dealers?survey=post-service']);
    const rows = [];
    for (const [name, path] of calls) {
      const times = [];
      let n = null;
      for (let i = 0; i < CALLS; i++) {
        const s = performance.now();
        const r = await fetch(`${collector.url}${path}`, { headers: { cookie } });
        const body = await r.json();
        times.push(performance.now() - s);
        if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(body)}`);
        n ??= body.summary?.n ?? body.rows?.length ?? body.dealers?.length;
      }
      rows.push({ backend, call: name, n, p50: pct(times, 50), p99: pct(times, 99) });
    }
    // The newer pages. `run` is one read; its p50/p99 over `reps`.
    const timed = async (call, reps, run) => {
      const times = [];
      let n = null;
      for (let i = 0; i < reps; i++) {
        const s = performance.now();
        n = await run();
        times.push(performance.now() - s);
      }
      rows.push({ backend, call, n, p50: pct(times, 50), p99: pct(times, 99) });
    };
    const get = async (path) => {
      const r = await fetch(`${collector.url}${path}`, { headers: { cookie } });
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return r;
    };
    for (const [name, from] of [['month', periods.month], ['quarter', periods.quarter]]) {
      const q = `from=${from}&to=${iso(today)}`;
      await timed(`targets by dealer, ${name}`, CALLS, async () => (await (await get(`/v1/targets?by=dealer&${q}`)).json()).items?.length);
      await timed(`funnel by channel, ${name}`, CALLS, async () => (await (await get(`/v1/funnel?by=channel&survey=post-service&${q}`)).json()).rows?.length);
      await timed(`response list, first 25, ${name}`, CALLS, async () =>
        (await (await get(`/v1/responses?survey=post-service&verified=all&limit=25&order=newest&${q}`)).json()).items.length);
    }
    // The VOC report of this month: this month and the two before, one month at a time.
    const months = [2, 1, 0].map((back) => [first(back), iso(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back + 1, 0)))]);
    const vocQuery = `survey=post-service&verified=yes&from=${months[0][0]}&to=${months[2][1]}`;
    await timed('VOC tally, /v1/voc (3 months, counted by the database)', CALLS, async () =>
      (await (await get(`/v1/voc?${vocQuery}`)).json()).reasons.length);
    // As the report read it before /v1/voc: every response of the three months.
    await timed('VOC tally read as 3 months of responses (before)', HEAVY, async () => {
      let n = 0;
      for (const [from, to] of months) {
        let after = null;
        do {
          const body = await (await get(`/v1/responses?survey=post-service&verified=yes&limit=1000&from=${from}&to=${to}${after ? `&after=${after}` : ''}`)).json();
          n += body.items.length;
          after = body.next;
        } while (after);
      }
      return n;
    });
    for (const [name, from] of [['month', periods.month], ['year', periods.year]]) {
      for (const kind of ['csv', 'xlsx']) {
        await timed(`export ${kind.toUpperCase()}, ${name} (bytes)`, HEAVY, async () =>
          (await (await get(`/v1/responses.${kind}?survey=post-service&from=${from}&to=${iso(today)}`)).arrayBuffer()).byteLength);
      }
    }
    // Time to first render: a signed-in browser opens /console until the count and
    // the advisors table show (the summary, the trend's one by-month call and the breakdown).
    const browser = await launchBrowser();
    const renders = [];
    try {
      for (let i = 0; i < RENDERS; i++) {
        const page = await newPage(browser, { width: 1366, height: 768 }, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
        await signInOnPage(page, collector, 'bench-admin', '/static/qr.html');
        const s = performance.now();
        await page.goto(`${collector.url}/console`);
        await page.locator('[data-figure="responses"] dd').waitFor({ timeout: 120000 });
        const first = performance.now() - s;
        await page.locator('table:has(th[aria-sort]) tbody tr').first().waitFor({ timeout: 120000 });
        const table = performance.now() - s;
        await page.locator('[data-table="trend"] tbody tr').nth(11).waitFor({ timeout: 120000 });
        const trend = performance.now() - s;
        renders.push({ first, table, trend });
        await page.context().close();
      }
    } finally {
      await browser.close();
    }
    const med = (k) => pct(renders.map((r) => r[k]), 50);
    return { seeded, rows, render: { first: med('first'), table: med('table'), trend: med('trend') } };
  } finally {
    await collector.stop();
  }
}

// Each backend's numbers are printed as soon as they are measured (a PostgreSQL run of
// 100,000 takes a quarter of an hour to seed on a busy machine). `--sqlite-only` or
// `--postgres-only` measures one.
const only = (name) => process.argv.includes(`--${name}-only`);
function print(backend, r) {
  console.log(`\n${backend}: ${RESPONSES} responses, ${CALLS} calls per row (heavy reads ${HEAVY}) (p50/p99), ${RENDERS} renders (median)\n`);
  console.log('| backend | call | n | p50 | p99 |\n|---|---|---:|---:|---:|');
  for (const x of r.rows) console.log(`| ${x.backend} | ${x.call} | ${x.n} | ${ms(x.p50)} | ${ms(x.p99)} |`);
  console.log('\n| backend | seeding | console: count shown | advisors table | 12-month trend |\n|---|---:|---:|---:|---:|');
  console.log(`| ${backend} | ${r.seeded.toFixed(0)} s | ${ms(r.render.first)} | ${ms(r.render.table)} | ${ms(r.render.trend)} |`);
}
if (!only('postgres')) print('SQLite', await measure('SQLite', null));
if (process.env.COLLECTOR_TEST_PG && !only('sqlite')) {
  // A fresh database on the given server for this run.
  const base = process.env.COLLECTOR_TEST_PG;
  const name = `bench_${Date.now()}`;
  execFileSync('psql', [base, '-c', `CREATE DATABASE ${name}`], { stdio: 'ignore' });
  const url = base.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  print('PostgreSQL', await measure('PostgreSQL', url));
}
