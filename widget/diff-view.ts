/**
 * The word-by-word view of what changed between the source wording and the highlighted text.
 * Each edit carries a text label (visually hidden inline, visible in the list), so it never
 * depends on colour alone; edits that change meaning are called out in words.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Difference, Match } from '../worker/core/types';

const MEANING: Record<string, string> = {
  negation: 'a negation',
  number: 'a number',
  quantifier: 'a quantifier',
};

export const q = (text: string) => `“${text}”`;

export function describe(d: Difference): string {
  if (d.kind === 'insert') return `Added ${q(d.quoted)}`;
  if (d.kind === 'delete') return `Dropped ${q(d.source)}`;
  return `Changed ${q(d.source)} to ${q(d.quoted)}`;
}

/** The source wording of the matched span with the edits shown in place. */
function inline(match: Match): TemplateResult {
  // Differences are taken against the original, so they are shown in its words.
  const src = match.source;
  const { text } = src.excerpt;
  const { start, end } = src.highlight ?? src;
  const edits = [...match.differences].sort((a, b) => a.sourceStart - b.sourceStart);
  const parts: unknown[] = [];
  let at = start;
  for (const d of edits) {
    const from = Math.min(Math.max(d.sourceStart, at), end);
    const to = Math.min(Math.max(d.sourceEnd, from), end);
    if (from > at) parts.push(text.slice(at, from));
    if (d.kind !== 'insert') parts.push(html`<del><span class="vh">[dropped: </span>${text.slice(from, to) || d.source}<span class="vh">]</span></del>`);
    if (d.kind !== 'delete') parts.push(html`${d.kind === 'insert' ? ' ' : ''}<ins><span class="vh">[added: </span>${d.quoted}<span class="vh">]</span></ins> `);
    at = to;
  }
  if (at < end) parts.push(text.slice(at, end));
  return html`<p class="diff" part="diff">${parts}</p>`;
}

export function diffView(match: Match): TemplateResult | typeof nothing {
  if (!match.differences.length) return nothing;
  return html`<section aria-labelledby="qs-changes">
    <h3 id="qs-changes">What changed from the source</h3>
    ${inline(match)}
    <ul class="edits">
      ${match.differences.map(
        (d) => html`<li class=${d.meaning ? 'meaning' : ''}>
          ${describe(d)}${d.meaning ? html` — <strong>changes the meaning</strong> (${MEANING[d.meaning] ?? d.meaning})` : nothing}
        </li>`,
      )}
    </ul>
  </section>`;
}
