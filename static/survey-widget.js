/*
 * Survey widget loader: the one <script> tag a dealer pastes, and the JavaScript API.
 *
 *   <script src="https://…/static/survey-widget.js" data-survey="post-service"
 *           data-endpoint="https://…/v1/responses" data-locale="en" async></script>
 *
 * Mounts in place (or into data-target) inside a Shadow DOM, so the host page's CSS
 * cannot reach it; data-display="button" shows a floating button that opens it in a
 * dialog instead. window.SurveyWidget.mount(element, options) returns { destroy() }.
 * The .wasm and the CSS are found next to this file; no inline script, no eval.
 */
(() => {
  'use strict';
  const script = document.currentScript;
  // dist/static/survey-widget.js → dist/
  const root = new URL('../', script ? script.src : document.baseURI);
  const asset = (path) => new URL(path, root).href;
  const modules = {};

  /**
   * A module per mode (Cargo.toml's features): the full one (`survey_widget_full`) for
   * a phone interview or a dealer's own definition, the kiosk's (`survey_widget_kiosk`)
   * for a kiosk, else the customer's (`survey_widget`); chosen before anything is
   * fetched, so a customer never downloads the larger ones (the same rule as boot.js).
   * The mode as config.rs reads it: the option, else the page's `?mode=`.
   */
  function pick(options) {
    // A blank option falls back to the page's ?mode=, as config.rs reads it.
    const mode = (String(options.mode ?? '').trim() || new URLSearchParams(location.search).get('mode') || '').trim();
    if (mode === 'interview' || String(options.definition ?? '').trim()) return 'full';
    return mode === 'kiosk' ? 'kiosk' : 'customer';
  }

  // The names are literal so that scripts/build can write the hashed ones in.
  const files = {
    customer: ['pkg/survey_widget.js', 'pkg/survey_widget_bg.wasm'],
    kiosk: ['pkg/survey_widget_kiosk.js', 'pkg/survey_widget_kiosk_bg.wasm'],
    full: ['pkg/survey_widget_full.js', 'pkg/survey_widget_full_bg.wasm'],
  };

  /**
   * The glue and the wasm are fetched at the same time: the glue would otherwise ask
   * for the wasm only once it has arrived and run, one more round trip on a phone's
   * network before the widget runs (the glue's init takes the pending response).
   */
  function load(options) {
    const key = pick(options);
    modules[key] ??= (() => {
      const [glue, wasm] = files[key].map(asset);
      const response = fetch(wasm);
      // Not awaited until the glue asks for it; a failure then is the load's failure.
      response.catch(() => {});
      return import(glue).then(async (m) => {
        await m.default({ module_or_path: response });
        return m;
      });
    })();
    return modules[key];
  }

  function fail(host, shadow, error) {
    const message = `survey widget could not start: ${error}`;
    console.error(`[survey-widget] ${message}`);
    const box = document.createElement('p');
    box.className = 'sw-error-box';
    box.setAttribute('role', 'alert');
    box.textContent = '问卷加载失败，请刷新页面。 The survey could not load; please reload the page.';
    shadow.append(box);
    host.dispatchEvent(new CustomEvent('survey:error', { bubbles: true, composed: true, detail: { message } }));
  }

  function stylesheet() {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = asset('static/survey.css');
    const loaded = new Promise((resolve) => { link.onload = resolve; link.onerror = resolve; });
    return [link, loaded];
  }

  /**
   * The survey's first page as HTML from the collector the files came from
   * (`GET /v1/first-page`, collector/src/routes/first_page.rs), asked for while the wasm
   * loads, so the customer can read and answer it meanwhile; the widget takes it over
   * (src/takeover.rs). Resolves to '' when there is none (files hosted elsewhere, a
   * kiosk, a fetched definition): the widget then renders alone, as before.
   */
  function firstPage(options) {
    const url = new URL('v1/first-page', root);
    for (const [key, value] of Object.entries(options)) {
      // Headers (an API key) and a kiosk's device key change nothing on the first page
      // and are not for a URL, which access logs keep.
      if (key === 'endpointHeaders' || key === 'deviceKey') continue;
      if (typeof value === 'string') url.searchParams.set(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), value);
    }
    // The host page's parameters that change what the first page shows (config.rs
    // PAGE_SETTINGS; the collector ignores any other page.* name).
    const page = new URLSearchParams(location.search);
    for (const key of ['lang', 'mode', 'survey', 'flow']) if (page.has(key)) url.searchParams.set(`page.${key}`, page.get(key));
    if (url.href.length > 4000) return Promise.resolve('');
    // Only the collector's fragment: a file host that answers every path with its own
    // page (a single-page app's fallback) must not put that page in the widget.
    return fetch(url, { credentials: 'omit' })
      .then((r) => (r.status === 200 && /^text\/html/.test(r.headers.get('content-type') || '') ? r.text() : ''))
      .then((html) => (html.startsWith('<div data-sw-prerendered') ? html : ''))
      .catch(() => '');
  }

  /**
   * Puts the dealer's theme on `el` before the wasm runs: the first page carries it as
   * the collector resolved it with the widget's own rules (src/prerender.rs: contrast
   * checked, the page's settings over the definition's), `data-sw-theme` custom
   * properties set here through the CSSOM (a strict CSP refuses a style attribute) and
   * `data-sw-scheme`. The widget sets the same on its root once it runs.
   */
  function wear(el, pre) {
    if (!pre || !pre.hasAttribute('data-sw-theme')) return;
    for (const decl of pre.getAttribute('data-sw-theme').split(';')) {
      const at = decl.indexOf(':');
      if (decl.startsWith('--sw-t-') && at > 0) el.style.setProperty(decl.slice(0, at), decl.slice(at + 1));
    }
    el.setAttribute('data-sw-scheme', pre.getAttribute('data-sw-scheme') || 'auto');
  }

  /** Mounts a widget inside `host`'s shadow root; `fromTag`: unknown options warn, not fail. */
  function mount(host, options = {}, fromTag = false) {
    if (!(host instanceof Element)) throw new TypeError('SurveyWidget.mount: the first argument must be an element');
    // The widget reads a theme as text, as in a definition: {radius: 4} is "4".
    const theme = options?.theme;
    if (theme && typeof theme === 'object') {
      options = { ...options, theme: Object.fromEntries(Object.entries(theme).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])) };
    }
    const shadow = host.shadowRoot || host.attachShadow({ mode: 'open' });
    const [link, styled] = stylesheet();
    const container = document.createElement('div');
    shadow.replaceChildren(link, container);
    let handle = null;
    let started = false;
    let destroyed = false;
    // Next pressed in the first page before the widget runs: remembered, and pressed
    // again once it does (as static/boot.js on the collector's own page).
    container.addEventListener('submit', (event) => {
      const pre = event.target.closest && event.target.closest('[data-sw-prerendered]');
      if (pre) {
        event.preventDefault();
        pre.setAttribute('data-sw-next', '');
      }
    }, true);
    // A language chosen there: remembered and shown pressed, chosen again once the widget
    // runs (as static/boot.js; src/takeover.rs).
    container.addEventListener('click', (event) => {
      const button = event.target.closest && event.target.closest('[data-sw-prerendered] .sw-lang-btn');
      const pre = button && button.closest('[data-sw-prerendered]');
      if (!pre) return;
      pre.setAttribute('data-sw-lang', button.lang);
      for (const b of pre.querySelectorAll('.sw-lang-btn')) b.setAttribute('aria-pressed', String(b.lang === button.lang));
    });
    Promise.all([firstPage(options), styled]).then(([html]) => {
      if (!html || started || destroyed) return;
      try { container.innerHTML = html; } catch { /* a Trusted Types policy: the widget renders alone */ }
      wear(container.firstElementChild, container.firstElementChild);
    });
    Promise.all([load(options), styled])
      .then(([m]) => {
        if (destroyed) return;
        started = true;
        handle = m.mountWidget(container, options, host, fromTag);
      })
      .catch((error) => fail(host, shadow, error));
    return {
      destroy() {
        destroyed = true;
        handle?.destroy();
        handle = null;
        shadow.replaceChildren();
      },
    };
  }

  const POSITIONS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];
  const CLOSE = { 'zh-CN': '关闭', 'zh-TW': '關閉', en: 'Close' };

  /**
   * data-launcher-position (a corner) and data-launcher-offset (px from it: "16", or
   * "16 80" across then up/down), so the button clears the dealer's own sticky bars
   * (issue 13 item 14). Both are loader settings in config.rs LOADER_ATTRIBUTES; a bad
   * value warns, as every setting does, and the default is used.
   */
  function place(button, position = 'bottom-right', offset = '16') {
    if (!POSITIONS.includes(position)) {
      console.warn(`[survey-widget] data-launcher-position: ${JSON.stringify(position)} is not ${POSITIONS.join(', ')}; using bottom-right`);
      position = 'bottom-right';
    }
    let px = String(offset).trim().split(/\s+/).map(Number);
    if (px.length > 2 || !px.every((n) => Number.isInteger(n) && n >= 0 && n <= 500)) {
      console.warn(`[survey-widget] data-launcher-offset: ${JSON.stringify(offset)} is not one or two whole px values from 0 to 500; using 16`);
      px = [16];
    }
    const [v, h] = position.split('-');
    const s = button.style; // CSSOM, not a style attribute: allowed by a strict CSP
    s.top = s.bottom = s.left = s.right = 'auto';
    s[h] = `${px[0]}px`;
    s[v] = `${px[1] ?? px[0]}px`;
  }

  /** A floating button that opens the survey in a modal dialog; the wasm loads on first open. */
  function mountButton(options, label, position, offset) {
    const host = document.createElement('div');
    document.body.append(host);
    const shadow = host.attachShadow({ mode: 'open' });
    const [link, styled] = stylesheet();
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sw-launcher';
    // Shown once styled: unstyled, it flashes up as a small grey button in the page's flow.
    button.hidden = true;
    styled.then(() => { button.hidden = false; });
    button.textContent = label || '评价本次服务 · Rate our service';
    place(button, position, offset);
    const dialog = document.createElement('dialog');
    dialog.className = 'sw-dialog';
    dialog.setAttribute('aria-label', button.textContent);
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'sw-dialog-close';
    // In the survey's language: data-locale's, then the survey's own (data-sw-close).
    close.textContent = CLOSE[options.locale] || '关闭 · Close';
    const body = document.createElement('div');
    body.className = 'sw-in-dialog';
    dialog.append(close, body);
    shadow.replaceChildren(link, button, dialog);
    // The button and its dialog wear the theme too, from the first page the dialog will
    // show (asked for now; the same request when it opens is answered from the cache).
    firstPage(options).then((html) => {
      const parsed = document.createElement('template');
      try { parsed.innerHTML = html; } catch { return; }
      wear(host, parsed.content.firstElementChild);
    });
    let widget = null;
    button.addEventListener('click', () => {
      if (!widget) {
        widget = mount(body, options, true);
        new MutationObserver(() => {
          const text = body.shadowRoot.querySelector('.sw[data-sw-close]')?.dataset.swClose;
          if (text) close.textContent = text;
        }).observe(body.shadowRoot, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-sw-close'] });
      }
      dialog.showModal();
    });
    close.addEventListener('click', () => dialog.close());
    return { destroy() { widget?.destroy(); host.remove(); } };
  }

  window.SurveyWidget = Object.freeze({ mount: (host, options) => mount(host, options) });

  if (!script) return;
  const d = script.dataset;
  if (d.survey === undefined && d.definition === undefined) return;
  // All data-* but the loader's own go to the widget, which checks them (config.rs ATTRIBUTES).
  const options = { mode: 'embed' };
  for (const [key, value] of Object.entries(d)) {
    if (!['display', 'label', 'target', 'launcherPosition', 'launcherOffset'].includes(key)) options[key] = value;
  }
  const start = () => {
    if (d.display === 'button') { mountButton(options, d.label, d.launcherPosition, d.launcherOffset); return; }
    let host;
    if (d.target) {
      host = document.querySelector(d.target);
      if (!host) { console.error(`[survey-widget] data-target: no element matches ${JSON.stringify(d.target)}`); return; }
    } else {
      host = document.createElement('div');
      script.after(host);
    }
    mount(host, options, true);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
