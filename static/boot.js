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

// A kiosk's page comes with its welcome screen prerendered and the first customer's
// first page hidden behind it (src/prerender.rs). A tap on start shows that page at
// once, as the widget would, with focus on its title; the widget starts on it when it
// runs (src/takeover.rs). The button is served disabled until this listener is here.
document.addEventListener('click', (event) => {
  const start = event.target.closest && event.target.closest('[data-sw-prerendered] .sw-kiosk-start');
  const pre = start && start.closest('[data-sw-prerendered]');
  const survey = pre && pre.querySelector('[data-sw-kiosk-survey]');
  if (!survey) return;
  pre.setAttribute('data-sw-started', '');
  start.closest('.sw-kiosk-welcome').remove();
  survey.hidden = false;
  const title = survey.querySelector('.sw-page-title');
  if (title) title.focus();
});
for (const start of document.querySelectorAll('[data-sw-prerendered] .sw-kiosk-start')) start.disabled = false;

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
