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

// A module per mode (Cargo.toml's features): the customer's unless a mount point is a
// kiosk, a phone interview or a dealer's own definition, which only the full module
// carries. The mode as config.rs reads it: data-mode, else the page's ?mode=. Decided
// before anything is fetched, so a customer's page never downloads the full module; the
// names are literal so that scripts/build can write the hashed ones in.
const pageMode = new URLSearchParams(location.search).get('mode');
const full = [...document.querySelectorAll('[data-survey-widget]')].some((el) => {
  const mode = (el.dataset.mode?.trim() || pageMode || '').trim();
  return mode === 'kiosk' || mode === 'interview' || !!el.dataset.definition?.trim();
});

// A dynamic import, so the listener above is in place before the glue code arrives.
(full ? import('../pkg/survey_widget_full.js') : import('../pkg/survey_widget.js'))
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
