// Soak (a benchmark, not a test): 500 responses wait in the widget's outbox in
// localStorage while the collector is down (as after a day offline); the page loads
// with the collector up and the widget's own driver sends them. Prints how long they
// took and checks every one arrived exactly once.
// Usage: node bench/soak.mjs [N]   (after scripts/build)
import { execFileSync } from 'node:child_process';
import { startCollector, launchBrowser, PHONE } from '../tests/e2e/support.mjs';

const n = Number(process.argv[2] || 500);
execFileSync('cargo', ['build', '--release', '--quiet', '-p', 'collector', '--example', 'load'], { stdio: 'inherit' });
const bodies = execFileSync('target/release/examples/load', ['--print', String(n)], { encoding: 'utf8', maxBuffer: 1 << 28 })
  .trim().split('\n');
const now = Date.now();
const outbox = {
  version: 1,
  entries: bodies.map((body) => ({
    id: JSON.parse(body).id, endpoint: '/v1/responses', body, created_ms: now - 3_600_000,
    attempts: 3, next_attempt_ms: now - 1, state: 'pending', last_error: 'network error', lease: null,
  })),
  delivered: [],
};
const collector = await startCollector();
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: PHONE });
  // The queue as a kiosk would have it after being offline: written before any page script.
  await context.addInitScript((json) => {
    if (!sessionStorage.getItem('soak-seeded')) {
      localStorage.setItem('survey-widget:outbox', json);
      sessionStorage.setItem('soak-seeded', '1');
    }
  }, JSON.stringify(outbox));
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(`${collector.url}/`);
  let rows = 0;
  while (Date.now() - t0 < 300_000) {
    rows = collector.rows('SELECT COUNT(*) AS n FROM responses')[0].n;
    if (rows >= n) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (Date.now() - t0) / 1000;
  const [{ total, uniq: distinct }] = collector.rows('SELECT COUNT(*) AS total, COUNT(DISTINCT id) AS uniq FROM responses');
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('survey-widget:outbox') || '{}').entries?.length === 0, null, { timeout: 30_000 });
  const posts = collector.log.join('').split('\n').filter((l) => l.startsWith('POST /v1/responses'));
  console.log(`${n} queued responses: ${total} rows (${distinct} distinct ids) after ${seconds.toFixed(2)} s`);
  console.log(`POSTs seen by the collector: ${posts.length} (${posts.filter((l) => l.includes(' 201 ')).length} created, ${posts.filter((l) => l.includes(' 200 ')).length} duplicates)`);
  console.log(total === n && distinct === n ? 'all arrived exactly once' : 'MISMATCH');
  if (total !== n || distinct !== n) process.exitCode = 1;
} finally {
  await browser.close();
  await collector.stop();
}
