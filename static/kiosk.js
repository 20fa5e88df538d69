// Pairs this lounge tablet with the collector (collector/src/kiosks.rs). Staff open
// the pairing address the console or `collector kiosk add` gave once
// (kiosk.html?device_key=kiosk_…&station=…): the key and station are kept in the
// kiosk's own localStorage entries (device configuration, not customer data: no reset
// or residue cleanup touches them) and taken out of the address bar at once, so the
// key is not left in the history or shown to a customer. On every load the widget is
// given them as data-device-key (sent with each response as X-Kiosk-Key) and
// data-station. A classic script at the end of the body: it runs before the widget
// (a module) mounts. Never logs the key.
(() => {
  const KEY = 'survey-widget:kiosk-device';
  const STATION = 'survey-widget:kiosk-station';
  const REFUSED = 'survey-widget:kiosk-device:refused'; // set by the widget from receipts
  const url = new URL(location.href);
  let key = url.searchParams.get('device_key');
  let station = url.searchParams.get('station') || '';
  if (key) {
    url.searchParams.delete('device_key');
    url.searchParams.delete('station');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  try {
    if (key) {
      // A new key starts without the old one's refusal.
      if (localStorage.getItem(KEY) !== key) localStorage.removeItem(REFUSED);
      localStorage.setItem(KEY, key);
      localStorage.setItem(STATION, station);
    } else {
      key = localStorage.getItem(KEY);
      station = localStorage.getItem(STATION) || '';
    }
  } catch {
    // No localStorage (a locked-down browser): paired for this page load only.
  }
  if (!key) return;
  for (const el of document.querySelectorAll('[data-survey-widget][data-mode="kiosk"]')) {
    el.dataset.deviceKey = key;
    if (station) el.dataset.station = station;
  }
})();
