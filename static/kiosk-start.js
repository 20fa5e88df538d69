// The kiosk page comes with its welcome screen prerendered and the first customer's
// first page hidden behind it (src/prerender.rs), so the tablet answers a tap before
// its wasm has arrived. A tap on start shows that page at once, as the widget would,
// with focus on its heading; the widget starts on it when it runs and keeps what was
// answered there (src/takeover.rs). The collector serves the button disabled; it is
// enabled here, once this listener is in place. Once the widget runs, the welcome is
// its own and this does nothing. A classic script at the end of the body of the kiosk
// page only, so a customer's page does not pay for it; another page opened with
// ?mode=kiosk keeps start disabled until the widget runs and brings its own.
//
// Until the widget runs only it can reset the kiosk, so a customer who answers here
// and walks away while the wasm never comes (a stalled download) would leave their
// answers for the next: after the kiosk's idle time (data-sw-idle-ms, the widget's own
// reading of data-idle-seconds) without a touch or key, the page is loaded again.
(() => {
  const PRE = '[data-sw-prerendered]';
  let last = Date.now();
  for (const type of ['pointerdown', 'keydown', 'input']) {
    document.addEventListener(type, () => { last = Date.now(); }, true);
  }
  // Nobody can have answered behind the welcome yet: whatever a browser restored into
  // the fields on the reload below is the last customer's, not this one's (Firefox
  // restores form fields on a reload; the Chromium of the e2e tests did not).
  for (const field of document.querySelectorAll(`${PRE} [data-sw-kiosk-survey] :is(input, textarea)`)) {
    if (field.type === 'radio' || field.type === 'checkbox') field.checked = false;
    else field.value = '';
  }
  document.addEventListener('click', (event) => {
    const start = event.target.closest && event.target.closest(`${PRE} .sw-kiosk-start`);
    const pre = start && start.closest(PRE);
    const survey = pre && pre.querySelector('[data-sw-kiosk-survey]');
    if (!survey || pre.hasAttribute('data-sw-started')) return;
    pre.setAttribute('data-sw-started', '');
    start.closest('.sw-kiosk-welcome').remove();
    survey.hidden = false;
    const heading = survey.querySelector('[tabindex="-1"]');
    if (heading) heading.focus();
    last = Date.now();
    const idle = Number(survey.getAttribute('data-sw-idle-ms')) || 90000;
    const timer = setInterval(() => {
      if (!pre.isConnected) clearInterval(timer); // the widget took the survey over
      else if (Date.now() - last >= idle) location.reload();
    }, 1000);
  });
  for (const start of document.querySelectorAll(`${PRE} .sw-kiosk-start`)) start.disabled = false;
})();
