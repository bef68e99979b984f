/**
 * "This page says" against "The source says": the highlighted words with what the page added
 * marked, and the source's words with what the page dropped or replaced marked, then one line per
 * edit ("peace → war — changes the meaning (opposite)"). Deleted and added words are never run
 * together: each is its own element with a visible label in the list and a hidden one in place, and
 * a replacement shows both sides.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Difference, Match } from '../worker/core/types';
import type { Messages } from './i18n';

export const q = (text: string) => `“${text}”`;

/** Where the original's words for this highlight sit in its paragraph, edits included. */
export function sourceSpan(match: Match): [number, number] {
  const src = match.source;
  const own = match.differences.filter((d) => !d.excerptId);
  const at = src.highlight ?? src;
  const start = Math.min(at.start, ...own.map((d) => d.sourceStart));
  const end = Math.max(at.end, ...own.map((d) => d.sourceEnd));
  const len = src.excerpt.text.length;
  return [Math.max(0, Math.min(start, len)), Math.max(0, Math.min(end, len))];
}

const sorted = (match: Match) => match.differences.filter((d) => !d.excerptId).sort((a, b) => a.sourceStart - b.sourceStart);

const mark = (tag: 'ins' | 'del', label: string, text: string) =>
  tag === 'ins'
    ? html`<ins><span class="vh">[${label}: </span>${text}<span class="vh">]</span></ins>`
    : html`<del><span class="vh">[${label}: </span>${text}<span class="vh">]</span></del>`;

/** The source's words, dropped and replaced words struck through. */
export function sourceSide(match: Match, m: Messages): TemplateResult {
  const { text } = match.source.excerpt;
  const [start, end] = sourceSpan(match);
  const parts: unknown[] = [];
  let at = start;
  for (const d of sorted(match)) {
    if (d.kind === 'insert' || d.sourceStart < at) continue;
    parts.push(text.slice(at, d.sourceStart), mark('del', m.dropped, text.slice(d.sourceStart, d.sourceEnd)));
    at = d.sourceEnd;
  }
  parts.push(text.slice(at, end));
  return html`<p class="said src" part="diff" dir="auto" lang=${match.source.article.language || nothing}>${parts}</p>`;
}

/** The highlighted words, added and replacing words underlined (found in order in the highlight). */
export function pageSide(quoted: string, match: Match, m: Messages): TemplateResult {
  const parts: unknown[] = [];
  let at = 0;
  for (const d of sorted(match)) {
    if (d.kind === 'delete' || !d.quoted) continue;
    const found = quoted.indexOf(d.quoted, at);
    if (found < 0) continue;
    parts.push(quoted.slice(at, found), mark('ins', m.added, d.quoted));
    at = found + d.quoted.length;
  }
  parts.push(quoted.slice(at));
  return html`<p class="said page" dir="auto">${parts}</p>`;
}

function describe(d: Difference, m: Messages) {
  if (d.kind === 'insert') return html`<span class="tag">${m.added}</span> <ins>${d.quoted}</ins>`;
  if (d.kind === 'delete') return html`<span class="tag">${m.dropped}</span> <del>${d.source}</del>`;
  return html`<del>${d.source}</del> <span aria-hidden="true">→</span><span class="vh">:</span> <ins>${d.quoted}</ins>`;
}

/** One line per edit, meaning changes called out in words. */
export function editList(match: Match, m: Messages): TemplateResult | typeof nothing {
  if (!match.differences.length) return nothing;
  return html`<h3>${m.changes}</h3><ul class="edits">${match.differences.map(
    (d) =>
      html`<li class=${d.meaning ? 'meaning' : ''} dir="auto">${describe(d, m)}${
        d.meaning ? html` — <strong>${m.meaningNote}</strong> (${m[d.meaning] ?? d.meaning})` : nothing
      }</li>`,
  )}</ul>`;
}
