// A module per mode (issue 18): a customer's page (the QR page, the script tag on a
// dealer's site) downloads only the customer's wasm module; a kiosk the kiosk's; a phone
// interview and a dealer's own definition (the console's preview, or a kiosk showing
// one) the full one, which alone carries them (Cargo.toml's features). The loaders pick the module before fetching
// anything (static/boot.js, static/survey-widget.js); the Playwright request log shows
// what each page really downloaded, and the widget must run on each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, PHONE, startCollector, launchBrowser, newPage, makeSite, hostPage, scriptTagPage, widgetRunning } from './support.mjs';

const KIOSK = { width: 1280, height: 800 };
const CUSTOMER = /\/pkg\/survey_widget(_bg)?-[0-9a-f]{16}\.(js|wasm)$/;
const KIOSK_MODULE = /\/pkg\/survey_widget_kiosk(_bg)?-[0-9a-f]{16}\.(js|wasm)$/;
const FULL = /\/pkg\/survey_widget_full(_bg)?-[0-9a-f]{16}\.(js|wasm)$/;

let site;
let collector;
let browser;
before(async () => {
  site = makeSite({
    'static/t-embed.html': scriptTagPage({ survey: 'post-service', endpoint: '/v1/responses', locale: 'zh-CN' }),
    'static/t-embed-kiosk.html': scriptTagPage({ survey: 'post-service', endpoint: '/v1/responses', mode: 'kiosk', 'kiosk-pin': '2468' }),
    // A blank data-mode: the page's ?mode= decides, as config.rs reads it.
    'static/t-embed-blank-mode.html': scriptTagPage({ survey: 'post-service', endpoint: '/v1/responses', mode: ' ', 'kiosk-pin': '2468' }),
    // A dealer's own definition (what the console's preview mounts): fetched and checked.
    'static/t-definition.json': readFileSync(join(ROOT, 'core/src/templates/post-service.json')),
    't-definition.html': hostPage({ definition: '/static/t-definition.json', endpoint: '/v1/responses' }),
    't-definition-kiosk.html': hostPage({ definition: '/static/t-definition.json', endpoint: '/v1/responses', mode: 'kiosk', 'kiosk-pin': '2468' }),
  });
  collector = await startCollector({ dist: site.dir });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.stop(); site?.cleanup(); });

/** Opens `path`, waits for `ready`, and returns the widget module files it requested. */
async function modulesOf(path, viewport, ready) {
  const page = await newPage(browser, viewport);
  const requested = [];
  page.on('request', (r) => { if (/\/pkg\//.test(r.url())) requested.push(new URL(r.url()).pathname); });
  await page.goto(`${collector.url}${path}`);
  await ready(page);
  const errors = await page.locator('.sw-error-box').allInnerTexts();
  assert.deepEqual(errors, [], `no error on ${path}: ${page.diagnose()}`);
  await page.context().close();
  return {
    customer: requested.filter((u) => CUSTOMER.test(u)),
    kiosk: requested.filter((u) => KIOSK_MODULE.test(u)),
    full: requested.filter((u) => FULL.test(u)),
    all: requested,
  };
}

const running = (page) => widgetRunning(page);
// The welcome screen, or the error a module without the kiosk shows instead.
const welcome = (page) => page.locator('.sw-kiosk-start, .sw-error-box').first().waitFor();

function only(got, which, path) {
  assert.deepEqual(got[which].map((u) => u.split('.').pop()).sort(), ['js', 'wasm'], `${path} loads the ${which} module's glue and wasm: ${got.all.join(', ')}`);
  for (const other of ['customer', 'kiosk', 'full'].filter((m) => m !== which)) {
    assert.deepEqual(got[other], [], `${path} never downloads the ${other} module`);
  }
}

test("the QR page (prerendered) downloads only the customer's module", async () => {
  const path = '/?survey=post-service&lang=zh-CN';
  only(await modulesOf(path, PHONE, running), 'customer', path);
});

test("a dealer's script tag downloads only the customer's module", async () => {
  const path = '/static/t-embed.html';
  only(await modulesOf(path, PHONE, running), 'customer', path);
});

test("the kiosk page downloads only the kiosk's module", async () => {
  const path = '/static/kiosk.html';
  only(await modulesOf(path, KIOSK, welcome), 'kiosk', path);
});

test('a script tag with data-mode="kiosk" gets the kiosk\'s module', async () => {
  const path = '/static/t-embed-kiosk.html';
  only(await modulesOf(path, KIOSK, welcome), 'kiosk', path);
});

test("a blank data-mode on a page opened with ?mode=kiosk gets the kiosk's module", async () => {
  const path = '/static/t-embed-blank-mode.html?mode=kiosk';
  only(await modulesOf(path, KIOSK, welcome), 'kiosk', path);
});

test("a kiosk showing a dealer's own definition gets the full module", async () => {
  const path = '/t-definition-kiosk.html';
  only(await modulesOf(path, KIOSK, welcome), 'full', path);
});

test("a dealer's own definition (as the console's preview mounts it) gets the full module", async () => {
  const path = '/t-definition.html';
  only(await modulesOf(path, PHONE, running), 'full', path);
});
