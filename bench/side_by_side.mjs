// Side by side: the same questions in our widget and in SurveyJS (issue 17's "laid side
// by side with a SurveyJS screenshot of the same question"), at phone widths. Not a test:
// it writes one PNG per width and flow, each a table of rows (a 1–5 rating, the 0–10
// NPS, the 1–7 effort scale) × columns (ours, SurveyJS 2.5.38 with its default theme and
// the same questions converted by bench/surveyjs/convert.mjs), and prints their paths.
//
//   node bench/side_by_side.mjs [out dir] [--flow page|question] [--theme oem-red|…]
//
// Needs `scripts/build` (dist/ and the collector) and the npm packages of setup.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, startCollector, newPage } from '../tests/e2e/support.mjs';
import { startServer, ROOT } from './server.mjs';
import { toSurveyJs } from './surveyjs/convert.mjs';
import { inputs, POLICIES } from '../tests/e2e/taps.mjs';

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
const flow = option('flow');
const theme = option('theme');
const OUT = args[0] ?? '/tmp/side-by-side';
mkdirSync(OUT, { recursive: true });

const WIDTHS = [320, 360, 390];
const QUESTIONS = [
  { survey: 'post-service', id: 's_overall', name: 'rating 1–5' },
  { survey: 'post-service', id: 'nps', name: 'NPS 0–10' },
  { survey: 'post-call', id: 'ces', name: 'effort 1–7' },
];

/** Ours: the survey's own page, walked with the happy customer's answers until `id` shows. */
async function ours(browser, collector, width, q) {
  const page = await newPage(browser, { width, height: 740 }, { locale: 'zh-CN' });
  const params = new URLSearchParams({ survey: q.survey, lang: 'zh-CN' });
  if (flow) params.set('flow', flow);
  if (theme) params.set('theme', theme);
  await page.goto(`${collector.url}/?${params}`);
  const byId = inputs(q.survey);
  const target = page.locator(`[id$="-q-${q.id}"]`).first();
  await page.locator('.sw-progress-label').first().waitFor();
  for (let guard = 0; guard < 40 && !(await target.isVisible()); guard++) {
    const before = await page.locator('.sw-progress-label').first().innerText();
    const ids = await page.locator('.sw-q').evaluateAll((fs) => fs.filter((f) => !f.querySelector('fieldset')).map((f) => f.id));
    for (const domId of ids) {
      const what = POLICIES.happy(domId.replace(/^[^-]+(-\d+)?-q-/, ''), byId.get(domId.replace(/^[^-]+(-\d+)?-q-/, '')));
      const choices = page.locator(`[id="${domId}"] > .sw-choices`).first().locator('label.sw-choice');
      if (what?.pick !== undefined && (await choices.count())) {
        await choices.nth(what.pick < 0 ? (await choices.count()) + what.pick : what.pick).click();
        if (await target.isVisible()) break;
      }
    }
    await page.waitForTimeout(400);
    if (await target.isVisible()) break;
    if ((await page.locator('.sw-progress-label').first().innerText()) === before) {
      await page.locator('.sw-btn-primary').click();
    }
    await page.waitForTimeout(400);
  }
  await page.waitForTimeout(400);
  const png = await target.screenshot();
  await page.context().close();
  return png;
}

/** SurveyJS: the converted survey, its page with `id` made current. */
async function theirs(browser, server, width, q) {
  const page = await newPage(browser, { width, height: 740 }, { locale: 'zh-CN' });
  // The bench serves the post-service survey; another one is swapped in on the way.
  const def = JSON.parse(readFileSync(join(ROOT, `core/src/templates/${q.survey}.json`), 'utf8'));
  await page.route('**/surveyjs/survey-def.js', (route) => route.fulfill({
    contentType: 'text/javascript', body: `window.SURVEY_JSON = ${JSON.stringify(toSurveyJs(def, 'zh-CN'))};`,
  }));
  await page.goto(`${server.url}/surveyjs/`);
  await page.waitForFunction(() => window.survey);
  await page.evaluate((name) => {
    window.survey.currentPage = window.survey.getQuestionByName(name).page;
  }, q.id);
  const target = page.locator(`.sd-question[data-name="${q.id}"]`);
  await target.waitFor();
  await page.waitForTimeout(300);
  const png = await target.screenshot();
  await page.context().close();
  return png;
}

const collector = await startCollector();
const server = await startServer({ collectorUrl: collector.url });
const browser = await launchBrowser();
try {
  for (const width of WIDTHS) {
    const rows = [];
    for (const q of QUESTIONS) {
      const [a, b] = [await ours(browser, collector, width, q), await theirs(browser, server, width, q)];
      rows.push({ q, a: a.toString('base64'), b: b.toString('base64') });
    }
    const page = await newPage(browser, { width: 2 * width + 120, height: 600 });
    await page.setContent(`<!doctype html><meta charset="utf-8"><style>
      body { margin: 16px; font: 14px system-ui, sans-serif; color: #1f2933; background: #fff; }
      table { border-collapse: collapse; } th, td { padding: 8px; vertical-align: top; border-bottom: 1px solid #d0d7de; }
      th { text-align: left; } img { display: block; width: ${width}px; }
    </style><table><thead><tr><th></th><th>ours${flow ? ` (${flow} flow)` : ''}${theme ? `, ${theme}` : ''}</th><th>SurveyJS 2.5.38</th></tr></thead><tbody>
    ${rows.map((r) => `<tr><th scope="row">${r.q.name}<br>${width} px</th>
      <td><img src="data:image/png;base64,${r.a}" alt=""></td><td><img src="data:image/png;base64,${r.b}" alt=""></td></tr>`).join('')}
    </tbody></table>`);
    const file = join(OUT, `side-by-side-${flow ?? 'default'}${theme ? `-${theme}` : ''}-${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await page.context().close();
    console.log(file);
  }
} finally {
  await browser.close();
  await server.close?.();
  await collector.stop();
}
