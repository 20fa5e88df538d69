// Takes screenshots of the demo at phone, desktop and kiosk sizes, for people to look
// at (not a test). Usage: node scripts/screenshots.mjs http://127.0.0.1:PORT [outdir]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../tests/e2e/support.mjs';

const base = process.argv[2];
const out = process.argv[3] || 'tests/e2e/artifacts';
if (!base) { console.error('usage: node scripts/screenshots.mjs URL [outdir]'); process.exit(2); }
mkdirSync(out, { recursive: true });

const sizes = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 900 }, kiosk: { width: 1280, height: 800 } };
const browser = await launchBrowser();
for (const [name, viewport] of Object.entries(sizes)) {
  const page = await browser.newPage({ viewport, locale: 'zh-CN' });
  await page.goto(base + '/');
  await page.locator('.sw-page-title').waitFor();
  await page.screenshot({ path: join(out, `${name}-first.png`), fullPage: true });
  await page.getByRole('button', { name: '下一页' }).click();
  await page.locator('.sw-field-error').first().waitFor();
  await page.screenshot({ path: join(out, `${name}-errors.png`), fullPage: true });
  await page.close();
}
// Every page of the survey at phone size, answering each with its last option.
{
  const page = await browser.newPage({ viewport: sizes.phone, locale: 'zh-CN' });
  await page.goto(base + '/');
  for (let n = 1; n <= 40; n++) {
    const title = page.locator('.sw-page-title');
    if (!(await title.count())) break;
    for (const fieldset of await page.locator('fieldset.sw-q').all()) {
      const options = fieldset.locator('label.sw-choice');
      if (await options.count()) await options.nth((await options.count()) - 1).click();
    }
    await page.waitForTimeout(400); // let the selection transition finish
    await page.screenshot({ path: join(out, `phone-page-${String(n).padStart(2, '0')}.png`), fullPage: true });
    await page.locator('.sw-btn-primary').click();
    await page.waitForTimeout(300);
  }
  await page.screenshot({ path: join(out, 'phone-done.png'), fullPage: true });
  await page.close();
}
for (const lang of ['en', 'zh-TW']) {
  const page = await browser.newPage({ viewport: sizes.phone });
  await page.goto(`${base}/?lang=${lang}`);
  await page.locator('.sw-page-title').waitFor();
  await page.screenshot({ path: join(out, `phone-${lang}.png`), fullPage: true });
  await page.close();
}
await browser.close();
console.log(`screenshots in ${out}`);
