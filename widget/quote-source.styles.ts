import { css } from 'lit';

/**
 * Host styles: the theme variables (light, dark, or following the reader's scheme), the trigger,
 * the badges and the sheet. Public `--quote-source-*` properties override the private `--_*` ones.
 * (Custom property values are written without spaces: CSS minifiers keep them verbatim.)
 *
 * `all: initial !important` on the host cuts inheritance from the page: letter-spacing,
 * text-transform, white-space, font, direction, colour… of `html`/`body`/`*` never reach the trigger
 * or the card (an !important rule of the shadow tree beats the page's, even its !important ones).
 * Custom properties are not part of `all`, so `--quote-source-*` still come through; nor are
 * `direction` and `unicode-bidi`, set here too (the reader's language sets `dir` on what we render).
 */
export const hostStyles = css`
  :host {
    all: initial !important;
    direction: ltr !important;
    unicode-bidi: isolate !important;
    position: absolute !important;
    top: 0 !important;
    left: 0 !important;
    width: 0 !important;
    height: 0 !important;
    display: block !important;
    z-index: var(--quote-source-z-index, 2147483647) !important;
    /* light-dark(): one set of colours for both schemes, picked by color-scheme (theme="light" | "dark" | "auto"). */
    color-scheme: light dark !important;
    --_bg:var(--quote-source-bg,light-dark(#fff,#1f2023));
    --_fg:var(--quote-source-fg,light-dark(#1a1a1a,#f2f2f2));
    --_muted:var(--quote-source-muted,light-dark(#4d4d4d,#c9c9c9));
    --_accent:var(--quote-source-accent,light-dark(#0b57d0,#9ec1ff));
    --_border:var(--quote-source-border,light-dark(#8a8a8a,#7d7d7d));
    --_mark:var(--quote-source-mark,light-dark(#ffe98a,#6b5600));
    --_del:light-dark(#ffe0e0,#5c1f1f);
    --_ins:light-dark(#dcf5e3,#1d4a2b);
    --_ok:light-dark(#0a6b2e,#7ee2a0);
    --_warn:light-dark(#a8071a,#ffb3b3);
    --_chg:light-dark(#6b4e00,#f3d37a);
    --_who:light-dark(#6a1b9a,#e0b3ff);
  }
  :host([theme='light']) { color-scheme: light !important; }
  :host([theme='dark']) { color-scheme: dark !important; }
  .trigger, .badge, quote-source-card { position: absolute; }
  quote-source-card[sheet] { position: fixed; left: 0; right: 0; bottom: 0; width: 100%; border-radius: 12px 12px 0 0; }
  quote-source-card[sheet='top'] { top: 0; bottom: auto; border-radius: 0 0 12px 12px; }
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
  .badge { height: 24px; padding: 0 8px; font-size: 12px; border-radius: 12px; }
  .b-accurate { background: var(--_ok); }
  .b-changed { background: var(--_chg); border-radius: 3px; }
  .b-meaning { background: var(--_warn); border-radius: 0; border-style: double; border-width: 3px; }
  .b-misattributed { background: var(--_who); border-radius: 0 12px; }
  @media (max-width: 599px) {
    .trigger, .badge { min-height: 44px; min-width: 44px; }
  }
  .trigger:focus-visible, .badge:focus-visible { outline: 3px solid var(--_fg); outline-offset: 2px; }
  .vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  @media (prefers-reduced-motion: no-preference) {
    .trigger, quote-source-card { animation: qs-in 0.12s ease-out; }
    @keyframes qs-in { from { opacity: 0; transform: translateY(4px); } }
  }
`;
