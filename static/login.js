// The sign-in page (/login): a real form posting to the collector's login API, then
// back to the page that sent the visitor here (`?next=`, same-origin paths only, so
// the page cannot be used to send someone to another site after they sign in).
// Errors are announced (role="alert") and the field at fault gets focus.

const MSG = {
  required: '请填写登录名和密码。 Enter your login and password.',
  wrong: '登录名或密码错误。 Wrong login or password.',
  locked: (min) => `尝试次数过多，请 ${min} 分钟后再试。 Too many attempts; try again in ${min} minute${min > 1 ? 's' : ''}.`,
  offline: '无法连接服务器，请检查网络后重试。 Could not reach the server; check the connection and try again.',
  other: (reason) => `登录失败：${reason} Sign-in failed: ${reason}`,
};

const $ = (id) => document.getElementById(id);

/** Where to go after signing in: a path on this origin, else the QR page. */
export function nextPath(search) {
  const next = new URLSearchParams(search).get('next') ?? '';
  return /^\/(?![/\\])/.test(next) ? next : '/static/qr.html';
}

async function onSubmit(event) {
  event.preventDefault();
  const status = $('login-status');
  const login = $('login');
  const password = $('password');
  status.textContent = '';
  for (const el of [login, password]) el.removeAttribute('aria-invalid');
  const empty = [login, password].filter((el) => el.value.trim() === '');
  if (empty.length) {
    for (const el of empty) el.setAttribute('aria-invalid', 'true');
    status.textContent = MSG.required;
    empty[0].focus();
    return;
  }
  const button = $('login-submit');
  button.disabled = true;
  try {
    const response = await fetch('/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ login: login.value.trim(), password: password.value }),
    });
    if (response.ok) {
      window.location.assign(nextPath(window.location.search));
      return;
    }
    if (response.status === 401) {
      status.textContent = MSG.wrong;
    } else if (response.status === 429) {
      const seconds = Number(response.headers.get('Retry-After')) || 60;
      status.textContent = MSG.locked(Math.max(1, Math.ceil(seconds / 60)));
    } else {
      const body = await response.json().catch(() => ({}));
      status.textContent = MSG.other(body.error ?? response.status);
    }
    password.value = '';
    password.setAttribute('aria-invalid', 'true');
    password.focus();
  } catch {
    status.textContent = MSG.offline;
  } finally {
    button.disabled = false;
  }
}

// Wired only in a browser, so the tests can import `nextPath` in Node.
if (typeof document !== 'undefined') $('login-form').addEventListener('submit', onSubmit);
