import { css } from 'lit';

/** Card styles. Colours come from variables set on `<quote-source>` (light/dark, overridable). */
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
  .card { padding: 12px 14px 14px; }
  .head { display: flex; align-items: start; gap: 8px; }
  h2 { flex: 1; margin: 0; font-size: 1.05em; line-height: 1.3; }
  h3 { margin: 12px 0 4px; font-size: 0.95em; }
  p, ul, blockquote { margin: 8px 0 0; }
  ul { padding-inline-start: 1.2em; }
  bdi, .para { unicode-bidi: isolate; }
  .para { padding-inline-start: 10px; border-inline-start: 3px solid var(--_border); color: var(--_muted); }
  mark, ins, del { color: var(--_fg); }
  mark { background: var(--_mark); font-weight: 600; padding: 0 1px; }
  del { text-decoration: line-through 2px; background: var(--_del); }
  ins { text-decoration: underline 2px; background: var(--_ins); }
  .meaning strong { text-decoration: underline; }
  .meaning::marker { content: '⚠ '; }
  .spread summary { cursor: pointer; margin-top: 10px; }
  .label, .muted { color: var(--_muted); }
  a { color: var(--_accent); }
  button {
    font: inherit; color: inherit; background: transparent; cursor: pointer;
    border: 1px solid var(--_border); border-radius: 6px; padding: 2px 10px; min-height: 28px;
  }
  .close { border-color: transparent; padding: 2px 8px; }
  .retry { margin-top: 10px; background: var(--_accent); color: var(--_bg); border-color: var(--_accent); }
  :focus-visible, h2:focus { outline: 3px solid var(--_accent); outline-offset: 2px; }
  h2:focus:not(:focus-visible) { outline: none; }
  .vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  .bar { height: 3px; margin-top: 10px; background: var(--_accent); }
`;
