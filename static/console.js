// Loads the console's wasm; its start function mounts the app on #console. No inline
// script, so the page's strict CSP holds.
import('../pkg/survey_console.js')
  .then((module) => module.default())
  .catch((error) => {
    console.error('[console] could not start:', error);
    const root = document.getElementById('console');
    if (root) {
      root.innerHTML = '';
      const p = document.createElement('p');
      p.className = 'c-error c-main';
      p.setAttribute('role', 'alert');
      p.textContent = '控制台无法启动，请刷新页面。 The console could not start; reload the page.';
      root.append(p);
    }
  });
