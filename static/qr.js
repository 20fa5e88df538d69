// The dealer page (qr.html): builds the survey link for one visit and shows it as text
// and as a QR code to print on the repair order. No inline script or style, so the
// page runs under a strict CSP. The link is built with URL + URLSearchParams and shown
// with textContent only; nothing typed here is ever parsed as HTML.

/** survey_core::payload::MAX_CONTEXT_VALUE: the widget drops longer values. */
const MAX_VALUE = 128;
/**
 * The widget's rule for a visit value (src/config.rs, is_context_value): letters and
 * digits of any script (Rust's char::is_alphanumeric), '-', '_', '.', '/', ':'.
 */
const VALUE_CHARS = /^[\p{Alphabetic}\p{N}_.\/:-]+$/u;
/** The collector's limit on a QR code's text (collector/src/qr.rs, MAX_DATA). */
const MAX_LINK = 1024;
/** The dealer's name is only printed; it just has to fit on the card. */
const MAX_NAME = 80;

const MSG = {
  required: '必填。 Required.',
  chars: '只能包含字母、数字及 - _ . / : 这几个符号。 Letters, digits and - _ . / : only.',
  long: (n) => `最多 ${MAX_VALUE} 个字符，现在是 ${n} 个。 At most ${MAX_VALUE} characters; this has ${n}.`,
  nameLong: (n) => `最多 ${MAX_NAME} 个字符，现在是 ${n} 个。 At most ${MAX_NAME} characters; this has ${n}.`,
  date: '请选择有效的日期。 Choose a valid date.',
  future: '到店日期不能晚于今天。 The visit cannot be later than today.',
  fix: (n) => `请修正 ${n} 处标红的内容。 Please correct the ${n} field${n > 1 ? 's' : ''} marked in red.`,
  tooLong: (n) => `链接太长（${n} 个字符，最多 ${MAX_LINK} 个），请缩短各项内容。 The link is too long (${n} characters, at most ${MAX_LINK}); shorten the fields.`,
  copied: '已复制链接。 Link copied.',
  copyFallback: '无法自动复制：链接已选中，请按 Ctrl+C（手机上长按）复制。 Could not copy automatically: the link is selected; press Ctrl+C (or long-press on a phone).',
  qrFailed: '二维码生成失败，请稍后重试。 The QR code could not be made; please try again.',
};

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`qr.html: no #${id}`);
  return el;
};

/** Today in the browser's time zone, as the date input writes it (YYYY-MM-DD). */
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A visit value: `null` when fine, else the message. */
function contextValue(value) {
  const n = [...value].length;
  if (n > MAX_VALUE) return MSG.long(n);
  if (!VALUE_CHARS.test(value)) return MSG.chars;
  return null;
}

function visitDate(value, el) {
  if (el.validity.badInput || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return MSG.date;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== m - 1 || date.getDate() !== d) return MSG.date;
  if (value > today()) return MSG.future;
  return null;
}

function printedName(value) {
  const n = [...value].length;
  return n > MAX_NAME ? MSG.nameLong(n) : null;
}

/** The form's text fields: the query parameter each fills (none: printed only). */
const FIELDS = [
  { id: 'dealer', param: 'dealer', required: true, check: contextValue },
  { id: 'dealer-name', param: null, required: false, check: printedName },
  { id: 'ro', param: 'ro', required: true, check: contextValue },
  { id: 'advisor', param: 'advisor', required: true, check: contextValue },
  { id: 'visit', param: 'visit', required: true, check: visitDate },
  { id: 'token', param: 'token', required: false, check: contextValue },
];

const value = (id) => $(id).value.trim();

/** Checks one field and shows or clears its inline message; true when valid. */
function validate(field) {
  const el = $(field.id);
  const v = value(field.id);
  let message = null;
  if (v === '' && !(field.id === 'visit' && el.validity.badInput)) {
    message = field.required ? MSG.required : null;
  } else {
    message = field.check(v, el);
  }
  $(`${field.id}-error`).textContent = message ?? '';
  if (message) el.setAttribute('aria-invalid', 'true');
  else el.removeAttribute('aria-invalid');
  return message === null;
}

/** The survey link for the visit: this page's origin, the widget's query parameters. */
function surveyLink() {
  const params = new URLSearchParams();
  params.set('survey', $('survey').value);
  for (const f of FIELDS) {
    if (f.param === 'token' || f.param === null) continue;
    params.set(f.param, value(f.id));
  }
  params.set('lang', $('lang').value);
  const token = value('token');
  if (token) params.set('token', token);
  const url = new URL('/', window.location.origin);
  url.search = params.toString();
  return url.href;
}

function isLocalHost(host) {
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

function hideResult() {
  $('result').hidden = true;
  $('copy-status').textContent = '';
}

function showResult(link) {
  const img = $('qr-img');
  img.alt = `问卷链接二维码 · QR code for the survey link ${link}`;
  img.src = `/v1/qr.svg?${new URLSearchParams({ data: link })}`;
  $('link-text').textContent = link;
  const name = value('dealer-name');
  const dealer = value('dealer');
  $('card-dealer').textContent = name ? `${name} · ${dealer}` : `经销商 Dealer ${dealer}`;
  $('card-ro').textContent = value('ro');
  $('local-notice').hidden = !isLocalHost(window.location.hostname);
  $('copy-status').textContent = '';
  $('result').hidden = false;
  // Focus the result so a screen reader announces it; scroll only where it is out of
  // sight (a phone, below the form), not beside the form on a wide screen.
  const title = $('result-title');
  title.focus({ preventScroll: true });
  const top = title.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight / 2) title.scrollIntoView({ block: 'start' });
}

function onSubmit(event) {
  event.preventDefault();
  const bad = FIELDS.filter((f) => !validate(f));
  const status = $('form-status');
  if (bad.length) {
    hideResult();
    status.textContent = MSG.fix(bad.length);
    $(bad[0].id).focus();
    return;
  }
  const link = surveyLink();
  if (new TextEncoder().encode(link).length > MAX_LINK) {
    hideResult();
    status.textContent = MSG.tooLong(link.length);
    return;
  }
  status.textContent = '';
  showResult(link);
}

/** Selects the link's text, so the dealer can copy it by hand. */
function selectLink() {
  const range = document.createRange();
  range.selectNodeContents($('link-text'));
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}

async function copyLink() {
  const link = $('link-text').textContent ?? '';
  const status = $('copy-status');
  status.textContent = '';
  try {
    // Missing outside a secure context (plain http on a LAN address).
    if (!navigator.clipboard) throw new Error('no clipboard');
    await navigator.clipboard.writeText(link);
    status.textContent = MSG.copied;
  } catch {
    selectLink();
    status.textContent = MSG.copyFallback;
  }
}

/** 22 random characters of the token alphabet (132 bits). */
function newToken() {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from(crypto.getRandomValues(new Uint8Array(22)), (b) => abc[b & 63]).join('');
}

function start() {
  const visit = $('visit');
  visit.value = today();
  visit.max = today();

  const form = $('qr-form');
  form.addEventListener('submit', onSubmit);
  // A changed form makes the shown code stale: hide it rather than let it be printed.
  form.addEventListener('input', (event) => {
    hideResult();
    const field = FIELDS.find((f) => f.id === event.target.id);
    // Once a field shows a message, it is re-checked as the dealer corrects it.
    if (field && event.target.getAttribute('aria-invalid') === 'true') validate(field);
  });
  form.addEventListener('change', hideResult);
  $('token-new').addEventListener('click', () => {
    const token = $('token');
    token.value = newToken();
    validate(FIELDS.find((f) => f.id === 'token'));
    hideResult();
  });
  $('copy').addEventListener('click', copyLink);
  $('print').addEventListener('click', () => window.print());
  $('qr-img').addEventListener('error', () => {
    $('copy-status').textContent = MSG.qrFailed;
  });
}

start();
