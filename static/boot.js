// Loads the widget's wasm; the module's start function mounts every
// [data-survey-widget] element. No inline script, so a strict CSP works.

// A page served with its first page prerendered can be answered before the wasm
// arrives; Next pressed there is remembered, and pressed again once the widget runs.
document.addEventListener('submit', (event) => {
  const pre = event.target.closest && event.target.closest('[data-sw-prerendered]');
  if (pre) {
    event.preventDefault();
    pre.setAttribute('data-sw-next', '');
  }
}, true);
// A language chosen there is remembered too (shown pressed), and chosen again once the
// widget runs, which changes the words (src/takeover.rs; survey-widget.js does the same).
document.addEventListener('click', (event) => {
  const button = event.target.closest && event.target.closest('[data-sw-prerendered] .sw-lang-btn');
  const pre = button && button.closest('[data-sw-prerendered]');
  if (!pre) return;
  pre.setAttribute('data-sw-lang', button.lang);
  for (const b of pre.querySelectorAll('.sw-lang-btn')) b.setAttribute('aria-pressed', String(b.lang === button.lang));
});

// A module per mode (Cargo.toml's features): the full one when a mount point is a phone
// interview or a dealer's own definition, else the kiosk's for a kiosk, else the
// customer's. The mode as config.rs reads it: data-mode, else the page's ?mode=. Decided
// before anything is fetched, so a customer's page never downloads the larger modules
// (the same rule as survey-widget.js's `pick`); the names are literal so that
// scripts/build can write the hashed ones in.
const pageMode = new URLSearchParams(location.search).get('mode');
const modes = [...document.querySelectorAll('[data-survey-widget]')].map((el) => {
  const mode = (el.dataset.mode?.trim() || pageMode || '').trim();
  return mode === 'interview' || el.dataset.definition?.trim() ? 'full' : mode === 'kiosk' ? 'kiosk' : '';
});

// A dynamic import, so the listener above is in place before the glue code arrives.
(modes.includes('full') ? import('../pkg/survey_widget_full.js')
  : modes.includes('kiosk') ? import('../pkg/survey_widget_kiosk.js')
    : import('../pkg/survey_widget.js'))
  .then((module) => module.default())
  .catch((error) => {
    console.error('[survey-widget] could not start:', error);
    for (const el of document.querySelectorAll('[data-survey-widget]')) {
      const box = document.createElement('p');
      box.className = 'sw-error-box';
      box.setAttribute('role', 'alert');
      box.textContent = '问卷加载失败，请刷新页面。 The survey could not load; please reload the page.';
      el.replaceChildren(box);
    }
  });
