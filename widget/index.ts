/**
 * `widget.js`: `<script type="module" src="https://HOST/widget.js"></script>` creates the one
 * `<quote-source>` on the page. The API base is this script's own origin unless `data-api` says
 * otherwise; `data-auto`, `data-lang` and `data-theme` are read from the same tag. A second tag
 * (even with another URL) finds the element already there and does nothing.
 */
import { QuoteSource } from './quote-source';

// What the card module (built separately, loaded on demand) takes from this one, so one copy of Lit
// and of these helpers serves both (scripts/build-widget.ts maps the card's imports of them here).
export { LitElement, css, html, nothing } from 'lit';
export { LookupError } from './api';
export { fill, isRtl, plural } from './i18n';
export { ICON, verdictOf } from './verdict';

function ownScript(): HTMLScriptElement | undefined {
  const scripts = [...document.querySelectorAll<HTMLScriptElement>('script[src]')];
  return scripts.find((s) => s.src === import.meta.url) ?? scripts.find((s) => /\/widget\.js(\?|#|$)/.test(s.src));
}

function boot() {
  if (document.querySelector('quote-source')) return;
  const data = ownScript()?.dataset ?? {};
  const element = new QuoteSource();
  element.api = data.api ? new URL(data.api, location.href).href : new URL(import.meta.url).origin;
  element.auto = data.auto ?? '';
  element.locale = data.lang ?? '';
  element.theme = data.theme ?? 'auto';
  // After <body>, outside the host's own element tree, so its selectors and layout don't see us.
  document.documentElement.appendChild(element);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
