import { css } from 'lit';

/**
 * Host styles: the theme variables (light, dark, or following the reader's scheme) and the
 * trigger and badges. Public `--quote-source-*` properties override the private `--_*` ones.
 * (Custom property values are written without spaces: CSS minifiers keep them verbatim.)
 */
export const hostStyles = css`
  :host {
    --_bg:var(--quote-source-bg,#fff);
    --_fg:var(--quote-source-fg,#1a1a1a);
    --_muted:var(--quote-source-muted,#4d4d4d);
    --_accent:var(--quote-source-accent,#0b57d0);
    --_border:var(--quote-source-border,#8a8a8a);
    --_mark:var(--quote-source-mark,#ffe98a);
    --_del:#ffe0e0;
    --_ins:#dcf5e3;
    position: absolute;
    z-index: var(--quote-source-z-index, 2147483647);
    color-scheme: light;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --_bg:var(--quote-source-bg,#1f2023);
      --_fg:var(--quote-source-fg,#f2f2f2);
      --_muted:var(--quote-source-muted,#c9c9c9);
      --_accent:var(--quote-source-accent,#9ec1ff);
      --_border:var(--quote-source-border,#7d7d7d);
      --_mark:var(--quote-source-mark,#6b5600);
      --_del:#5c1f1f;
      --_ins:#1d4a2b;
      color-scheme: dark;
    }
  }
  :host([theme='dark']) {
    --_bg:var(--quote-source-bg,#1f2023);
    --_fg:var(--quote-source-fg,#f2f2f2);
    --_muted:var(--quote-source-muted,#c9c9c9);
    --_accent:var(--quote-source-accent,#9ec1ff);
    --_border:var(--quote-source-border,#7d7d7d);
    --_mark:var(--quote-source-mark,#6b5600);
    --_del:#5c1f1f;
    --_ins:#1d4a2b;
    color-scheme: dark;
  }
  .trigger, .badge, quote-source-card { position: absolute; }
  .trigger, .badge {
    box-sizing: border-box;
    margin: 0;
    font: 600 14px/1 var(--quote-source-font, system-ui, sans-serif);
    color: var(--_bg);
    background: var(--_accent);
    border: 2px solid var(--_bg);
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.3);
    cursor: pointer;
    white-space: nowrap;
  }
  .trigger { height: 34px; padding: 0 12px; border-radius: 17px; }
  .badge { width: 22px; height: 22px; padding: 0; border-radius: 11px; font-size: 13px; }
  .trigger:focus-visible, .badge:focus-visible { outline: 3px solid var(--_fg); outline-offset: 2px; }
  .vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  @media (prefers-reduced-motion: no-preference) {
    .trigger, quote-source-card { animation: qs-in 0.12s ease-out; }
    @keyframes qs-in { from { opacity: 0; transform: translateY(4px); } }
  }
`;
