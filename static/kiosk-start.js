// The kiosk page comes with its welcome screen prerendered and the first customer's
// first page hidden behind it (src/prerender.rs), so the tablet answers a tap before
// its wasm has arrived. A tap on start shows that page at once, as the widget would,
// with focus on its title; the widget starts on it when it runs and keeps what was
// answered there (src/takeover.rs). The collector serves the button disabled; it is
// enabled here, once this listener is in place. Once the widget runs, the welcome is
// its own and this does nothing. A classic script at the end of the body of the kiosk
// page only, so a customer's page does not pay for it; another page opened with
// ?mode=kiosk keeps start disabled until the widget runs and brings its own.
(() => {
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
})();
