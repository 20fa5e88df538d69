// A real HTTP hop between the browser and the collector that misbehaves on purpose,
// like the lounge Wi-Fi: the page and its files come through it, and a POST may be
// held past the widget's timeout or have its TCP connection reset mid-request.
import http from 'node:http';

/**
 * Starts the proxy in front of `target` (the collector's base URL). `plan(n)` says
 * what to do with the n-th POST of a response (`/v1/responses`, 1-based; the widget's
 * funnel beacons to `/v1/beacons` pass and are not counted):
 *  - 'pass': forward it and relay the answer;
 *  - 'hang': forward it (the collector stores it) but never answer;
 *  - 'reset-after': forward it, then reset the connection instead of answering;
 *  - 'reset-before': reset the connection after the first bytes of the body, before
 *    the collector sees anything.
 * Other requests always pass. `dropCsp` removes the collector's Content-Security-
 * Policy, for a host page that posts to another origin. Returns { url, posts, close }.
 */
export async function startFaultProxy(target, plan, { dropCsp = false } = {}) {
  const posts = [];
  const held = new Set();
  const server = http.createServer((req, res) => {
    const response = req.method === 'POST' && new URL(req.url, target).pathname === '/v1/responses';
    const n = response ? posts.length + 1 : 0;
    const action = n ? plan(n) : 'pass';
    if (n) posts.push({ at: Date.now(), action, headers: req.headers, body: '' });
    if (action === 'reset-before') {
      req.once('data', () => req.socket.resetAndDestroy());
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (n) posts[n - 1].body = body.toString('utf8');
      const upstream = http.request(new URL(req.url, target), {
        method: req.method,
        headers: { ...req.headers, host: new URL(target).host },
      }, (answer) => {
        const reply = [];
        answer.on('data', (c) => reply.push(c));
        answer.on('end', () => {
          if (n) posts[n - 1].status = answer.statusCode;
          if (action === 'hang') { held.add(res); return; }
          if (action === 'reset-after') { req.socket.resetAndDestroy(); return; }
          const headers = { ...answer.headers };
          if (dropCsp) delete headers['content-security-policy'];
          res.writeHead(answer.statusCode, headers);
          res.end(Buffer.concat(reply));
        });
      });
      upstream.on('error', () => req.socket.resetAndDestroy());
      upstream.end(body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    posts,
    async close() {
      for (const res of held) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
