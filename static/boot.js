// Loads the widget's wasm; the module's start function mounts every
// [data-survey-widget] element. No inline script, so a strict CSP works.
import init from '../pkg/survey_widget.js';

init().catch((error) => {
  console.error('[survey-widget] could not start:', error);
  for (const el of document.querySelectorAll('[data-survey-widget]')) {
    const box = document.createElement('p');
    box.className = 'sw-error-box';
    box.setAttribute('role', 'alert');
    box.textContent = '问卷加载失败，请刷新页面。 The survey could not load; please reload the page.';
    el.replaceChildren(box);
  }
});
