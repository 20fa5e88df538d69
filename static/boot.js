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

// A dynamic import, so the listener above is in place before the glue code arrives.
import('../pkg/survey_widget.js')
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
