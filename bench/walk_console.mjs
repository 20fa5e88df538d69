// Walks every console page as a signed-in user and saves what they see: a full-page
// screenshot per page at a desktop (1366x768) and a tablet (1024x768) width, and the
// VOC report printed to PDF (A4) the way Chromium prints it. For people to look at, not
// a test. Usage:
//   node bench/walk_console.mjs URL LOGIN PASSWORD [outdir] [lang]
// e.g. after `SEED_DEMO=3000 scripts/run`, with the printed demo login.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../tests/e2e/support.mjs';

const [url, login, password, out = '/tmp/console-walk', lang = 'zh-CN'] = process.argv.slice(2);
if (!url || !login || !password) {
  console.error('usage: node bench/walk_console.mjs URL LOGIN PASSWORD [outdir] [lang]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
/** A page is done when nothing is busy and no "loading" line is left. */
const settled = (page) => page.waitForFunction(() => !document.querySelector('[aria-busy="true"]')
  && !/正在加载|Loading/.test(document.querySelector('main')?.innerText ?? ''), null, { timeout: 120000 });
const PAGES = process.env.PAGES ? process.env.PAGES.split(',') : ['overview', 'responses', 'report', 'cases', 'calls', 'coverage', 'targets', 'funnel',
  'questionnaires', 'kiosks', 'notifications'];
const browser = await launchBrowser();
for (const [name, viewport] of [['desk', { width: 1366, height: 768 }], ['tablet', { width: 1024, height: 768 }]]) {
  const context = await browser.newContext({ viewport, locale: lang, timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const r = await page.request.post(`${url}/v1/auth/login`, { data: { login, password } });
  if (!r.ok()) throw new Error(`sign-in refused: ${r.status()} ${await r.text()}`);
  for (const p of PAGES) {
    const started = Date.now();
    await page.goto(`${url}/console#${p}`);
    await page.getByRole('navigation').waitFor();
    // Each page says when it is done: no busy region left.
    await settled(page).catch(() => errors.push(`${p}: still loading after 120 s`));
    await page.waitForTimeout(300);
    const file = join(out, `${p}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await page.screenshot({ path: file.replace(/\.png$/, '-top.png') });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log(`${name} ${p}: ${Date.now() - started} ms, ${wide}x${height} px -> ${file}`);
  }
  if (name === 'desk') {
    await page.goto(`${url}/console#report`);
    await page.getByRole('navigation').waitFor();
    await settled(page);
    await page.emulateMedia({ media: 'print' });
    const pdf = join(out, 'report.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    console.log(`report printed -> ${pdf}`);
  }
  if (errors.length) console.log(`${name} errors:\n  ${errors.join('\n  ')}`);
  await context.close();
}
await browser.close();
