// The demo page's three sample themes (issue 17), picked with ?theme= (the links in
// nav.demo-themes): the current blue, a Chinese OEM-style red and a premium dark. Each
// is what a dealer would write as data-theme-* attributes; this module sets them on
// every mount point before boot.js starts the widget (modules run in page order).
export const THEMES = {
  blue: {},
  'oem-red': {
    brand: '#c8102e',
    accent: '#b26a00',
    radius: '4',
    font: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif',
    logo: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="40" height="40" rx="6" fill="#c8102e"/>'
      + '<path d="M8 28 L20 8 L32 28 Z" fill="#fff"/><rect x="17" y="22" width="6" height="6" fill="#c8102e"/>'
      + '<text x="48" y="27" font-family="sans-serif" font-size="16" font-weight="700" fill="#c8102e">东方汽车</text></svg>',
    'logo-alt': '东方汽车 Dongfang Motors',
    'logo-height': '36',
  },
  'premium-dark': {
    brand: '#d4af37',
    accent: '#e6c65c',
    radius: '2',
    scheme: 'dark',
    font: 'Georgia, "Noto Serif CJK SC", "Songti SC", serif',
    logo: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="18" fill="none" stroke="#d4af37" stroke-width="2"/>'
      + '<path d="M11 27 L20 11 L29 27" fill="none" stroke="#d4af37" stroke-width="2.5" stroke-linejoin="round"/></svg>',
    'logo-alt': 'Aurum Motors',
    'logo-height': '40',
  },
};

const name = new URLSearchParams(location.search).get('theme') || 'blue';
const theme = THEMES[name] || THEMES.blue;
for (const el of document.querySelectorAll('[data-survey-widget]')) {
  for (const [key, value] of Object.entries(theme)) el.setAttribute(`data-theme-${key}`, value);
}
for (const a of document.querySelectorAll('.demo-themes a')) {
  if (new URL(a.href).searchParams.get('theme') === name) a.setAttribute('aria-current', 'page');
}
