// The dealer page (qr.html): asks the collector for the signed survey link of one
// visit (POST /v1/links, with the session's CSRF token) and shows it as text and as a
// QR code to print on the repair order. A visitor without a session is sent to the
// sign-in page (/login?next=…) first. No inline script or style, so the page runs
// under a strict CSP. The link is shown with textContent only; nothing typed here is
// ever parsed as HTML.

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
  refused: (reason) => `服务器拒绝生成链接：${reason} The server refused the link: ${reason}`,
  offline: '无法连接服务器，请检查网络后重试。 Could not reach the server; check the connection and try again.',
  signedIn: (login) => `已登录：${login} Signed in as ${login}`,
};

/** The session's CSRF token (from GET /v1/auth/me), sent with every POST. */
let csrf = '';

/** To the sign-in page, coming back here afterwards. */
function toLogin() {
  const next = window.location.pathname + window.location.search;
  window.location.replace(`/login?${new URLSearchParams({ next })}`);
}

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

/**
 * The signed survey link for the visit, from the collector: `{ link }`, or
 * `{ error }` with a message to show. Customers reach the collector where this page is.
 */
async function signedLink() {
  const body = {
    survey: $('survey').value,
    dealer: value('dealer'),
    repair_order: value('ro'),
    advisor: value('advisor'),
    visit_date: value('visit'),
    channel: 'qr',
    lang: $('lang').value,
    base: window.location.origin,
  };
  let response;
  try {
    response = await fetch('/v1/links', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
    });
  } catch {
    return { error: MSG.offline };
  }
  if (response.status === 401) {
    toLogin();
    return { error: '' };
  }
  const reply = await response.json().catch(() => ({}));
  if (response.status !== 201 || typeof reply.url !== 'string') {
    return { error: MSG.refused(reply.error ?? response.status) };
  }
  return { link: reply.url };
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

async function onSubmit(event) {
  event.preventDefault();
  const bad = FIELDS.filter((f) => !validate(f));
  const status = $('form-status');
  if (bad.length) {
    hideResult();
    status.textContent = MSG.fix(bad.length);
    $(bad[0].id).focus();
    return;
  }
  hideResult();
  status.textContent = '';
  const { link, error } = await signedLink();
  if (!link) {
    status.textContent = error;
    return;
  }
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

/** The session, or off to the sign-in page. */
async function signIn() {
  let response;
  try {
    response = await fetch('/v1/auth/me', { credentials: 'same-origin' });
  } catch {
    $('form-status').textContent = MSG.offline;
    return false;
  }
  if (response.status === 401) {
    toLogin();
    return false;
  }
  const me = await response.json().catch(() => ({}));
  csrf = me.csrf ?? '';
  return me;
}

async function start() {
  const me = await signIn();
  if (!me) return;
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
  $('copy').addEventListener('click', copyLink);
  $('print').addEventListener('click', () => window.print());
  $('qr-img').addEventListener('error', () => {
    $('copy-status').textContent = MSG.qrFailed;
  });
  // Shown last: the page is ready once it says who is signed in.
  const who = $('signed-in');
  who.textContent = MSG.signedIn(me.login ?? '');
  who.hidden = false;
}

start();
