// Hands this origin's undelivered responses to its service worker (/sw.js), so they
// are sent even after the page is closed. Loaded by the pages the collector serves
// (the QR survey page), never by the kiosk (open all day, it sends its own outbox) nor by
// the script tag on a dealer's own site:
// a service worker belongs to the origin that serves it.
//
// On load it asks the worker to send what an earlier visit left queued (the "next
// visit" path of browsers without Background Sync); when a response is queued and
// when the page is hidden it registers a Background Sync (Chromium: delivered later,
// with no page open), and on hiding it also asks for a drain at once (the worker
// outlives the page for a few minutes).

if ('serviceWorker' in navigator) {
  const scope = new URL('../', import.meta.url);
  navigator.serviceWorker.register(new URL('sw.js', scope), { scope: scope.pathname })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const drain = () => registration.active && registration.active.postMessage('drain');
      const later = () => registration.sync && registration.sync.register('survey-widget:outbox').catch(() => {});
      drain();
      // A response was queued (delivered or not yet): the sync is a no-op if the page
      // delivers it first.
      document.addEventListener('survey:complete', later);
      addEventListener('pagehide', () => { later(); drain(); });
    })
    .catch((error) => console.warn('[survey-widget] no service worker:', error));
}
