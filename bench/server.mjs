// A tiny static server for the benchmark: every file gzip-compressed (zlib level 9,
// computed once at start), loopback only. Serves
//   /surveyjs/   the questionnaire rendered by SurveyJS (bench/surveyjs/ + npm files);
//   /dealer/     a dealer's page with the widget's script tag pointing at the collector
//                (another origin: the bench loads it as http://localhost:PORT);
//   /            our dist/ the same way, with POST /v1/* proxied to a real collector
//                (run.mjs measures ours from the collector itself, which prerenders
//                the first page, and reads our file sizes from here).
import { createServer, request as httpRequest } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname, extname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';
import { toSurveyJs } from './surveyjs/convert.mjs';

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH, '..');
const NODE_MODULES = join(ROOT, 'node_modules');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
};

function gz(buf) { return gzipSync(buf, { level: constants.Z_BEST_COMPRESSION }); }

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p)); else out.push(p);
  }
  return out;
}

/** url path → { type, raw, gzip } */
export function buildFiles() {
  const files = new Map();
  const add = (url, raw, ext = extname(url)) => {
    const type = TYPES[ext];
    if (!type) return;
    files.set(url, { type, raw: raw.length, body: gz(raw) });
  };
  const dist = join(ROOT, 'dist');
  for (const f of walk(dist)) add('/' + relative(dist, f).split('\\').join('/'), readFileSync(f));
  for (const f of ['index.html', 'app.js']) add(`/surveyjs/${f}`, readFileSync(join(BENCH, 'surveyjs', f)));
  const vendor = {
    'survey.core.min.js': 'survey-core/survey.core.min.js',
    'survey-core.fontless.min.css': 'survey-core/survey-core.fontless.min.css',
    'i18n/simplified-chinese.min.js': 'survey-core/i18n/simplified-chinese.min.js',
    'survey-js-ui.min.js': 'survey-js-ui/survey-js-ui.min.js',
  };
  for (const [url, file] of Object.entries(vendor)) add(`/surveyjs/vendor/${url}`, readFileSync(join(NODE_MODULES, file)));
  const def = JSON.parse(readFileSync(join(ROOT, 'core/src/templates/post-service.json'), 'utf8'));
  const json = toSurveyJs(def, 'zh-CN');
  add('/surveyjs/survey-def.js', Buffer.from(`window.SURVEY_JSON = ${JSON.stringify(json, null, 1)};\n`));
  return files;
}

/** Starts the server on 127.0.0.1:0; `collectorUrl` receives the proxied POST /v1/*. */
export async function startServer({ collectorUrl } = {}) {
  const files = buildFiles();
  if (collectorUrl) {
    // A dealer's own page on another origin: some text and the one script tag of the
    // README, the widget's files and the endpoint on the collector's origin.
    const page = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>车主服务 · 售后评价</title>
<link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0 16px;color:#222}h1{font-size:20px}</style>
</head><body>
<h1>感谢您选择我们的售后服务</h1>
<p>请花两分钟告诉我们这次保养的感受。</p>
<script src="${collectorUrl}/static/survey-widget.js" data-survey="post-service"
        data-endpoint="${collectorUrl}/v1/responses" data-locale="zh-CN" async></script>
<p>预约热线 400-000-0000</p>
</body></html>
`;
    files.set('/dealer/index.html', { type: TYPES['.html'], raw: page.length, body: gz(Buffer.from(page)) });
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/bench/surveyjs-response') {
      req.resume();
      req.on('end', () => { res.writeHead(201, { 'Content-Type': 'application/json' }); res.end('{"ok":true}'); });
      return;
    }
    if (url.pathname.startsWith('/v1/') && collectorUrl) {
      const target = new URL(req.url, collectorUrl);
      const headers = { ...req.headers, host: target.host };
      const up = httpRequest(target, { method: req.method, headers }, (upRes) => {
        res.writeHead(upRes.statusCode, upRes.headers);
        upRes.pipe(res);
      });
      up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      req.pipe(up);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405); res.end(); return; }
    let path = url.pathname;
    if (path.endsWith('/')) path += 'index.html';
    const f = files.get(path);
    if (!f) { res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not found'); return; }
    res.writeHead(200, {
      'Content-Type': f.type, 'Content-Encoding': 'gzip', 'Content-Length': f.body.length,
      'Cache-Control': 'no-store', Vary: 'Accept-Encoding',
    });
    res.end(req.method === 'HEAD' ? undefined : f.body);
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`, files,
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
