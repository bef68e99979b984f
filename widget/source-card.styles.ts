import { css } from 'lit';

/**
 * Card styles. Colours come from variables set on `<quote-source>` (light/dark, overridable). Every
 * inherited property the card relies on is set here: the host cuts inheritance from the page.
 */
export const cardStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    width: min(26rem, calc(100vw - 16px));
    max-height: min(32rem, calc(100vh - 16px));
    overflow: auto;
    background: var(--_bg);
    color: var(--_fg);
    border: 1px solid var(--_border);
    border-radius: var(--quote-source-radius, 10px);
    box-shadow: 0 8px 28px rgb(0 0 0 / 0.25);
    font: 15px/1.45 var(--quote-source-font, system-ui, sans-serif);
    text-align: start;
    overflow-wrap: anywhere;
  }
  * { box-sizing: border-box; }
  .card { padding: 0 14px 14px; }
  .banner { display: flex; align-items: center; gap: 8px; margin: 0 -14px; padding: 10px 8px 10px 14px; border-bottom: 3px solid var(--_v, var(--_border)); }
  .icon { display: inline-grid; place-items: center; width: 28px; height: 28px; border-radius: 50%; font-weight: 700; color: var(--_bg); background: var(--_v); }
  .v-accurate { --_v: var(--_ok); }
  .v-changed { --_v: var(--_chg); }
  .v-meaning, .v-error { --_v: var(--_warn); }
  .v-meaning .icon, .v-error .icon { border-radius: 4px; }
  .v-misattributed { --_v: var(--_who); }
  .v-none { --_v: var(--_muted); }
  .v-changed .icon { border-radius: 0; }
  h2 { flex: 1; margin: 0; font-size: 1.1em; line-height: 1.3; color: var(--_v, var(--_fg)); }
  h3 { margin: 12px 0 2px; font-size: 0.8em; text-transform: uppercase; letter-spacing: 0.04em; color: var(--_muted); }
  p, ul, blockquote { margin: 6px 0 0; }
  ul { padding-inline-start: 1.2em; }
  bdi, .para, .said { unicode-bidi: isolate; }
  .why { margin-top: 10px; }
  .said { font-size: 1.05em; }
  .para { padding-inline-start: 10px; border-inline-start: 3px solid var(--_border); color: var(--_muted); }
  mark, ins, del { color: var(--_fg); }
  mark { background: var(--_mark); font-weight: 600; padding: 0 1px; }
  del { text-decoration: line-through 2px; background: var(--_del); }
  ins { text-decoration: underline 2px; background: var(--_ins); }
  .tag { font-size: 0.85em; color: var(--_muted); }
  .meaning strong { text-decoration: underline; }
  .spread summary { cursor: pointer; margin-top: 10px; }
  .muted { color: var(--_muted); }
  .who { font-size: 0.92em; }
  .review { margin-top: 6px; padding: 6px 10px; border-inline-start: 3px solid var(--_accent); }
  a { color: var(--_accent); }
  button {
    font: inherit; color: inherit; background: transparent; cursor: pointer;
    border: 1px solid var(--_border); border-radius: 6px; padding: 2px 10px; min-height: 28px;
  }
  .close { border-color: transparent; padding: 2px 8px; }
  .retry { margin-top: 10px; background: var(--_accent); color: var(--_bg); border-color: var(--_accent); }
  .retry:disabled { opacity: 0.6; cursor: not-allowed; }
  :host([sheet]) button, :host([sheet]) summary { min-height: 44px; min-width: 44px; }
  :host([sheet]) a { display: inline-block; padding-block: 10px; }
  :focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
  /* The heading takes focus by script when the card opens: a ring only for a keyboard opening (kb). */
  h2:focus, h2:focus-visible { outline: none; }
  :host([kb]) h2:focus { outline: 3px solid var(--_accent); outline-offset: 2px; }
  .vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  .bar { height: 3px; margin-top: 12px; background: var(--_accent); }
`;
