/**
 * Selection watching and W3C TextQuoteSelector building (exact + ~32 characters of context on
 * each side), in the manner of the Hypothesis client's anchoring layer.
 */
import { MAX_QUERY_CHARS } from '../worker/core/limits';
import type { TextQuoteSelector } from '../worker/core/types';

export const CONTEXT_CHARS = 32;
/** "At least a few words": shorter selections are ordinary clicks and double-clicks. */
export const MIN_WORDS = 3;
/** The longest highlight sent: the API's own limit. */
export const MAX_CHARS = MAX_QUERY_CHARS;

const BLOCK = 'p,li,blockquote,q,dd,dt,td,th,figcaption,h1,h2,h3,h4,h5,h6,article,section,main,div,body';

/**
 * Characters the API refuses in a query: controls, bidi overrides, zero-width characters and
 * joiners, noncharacters, lone surrogates (with the u flag, a surrogate range matches only lone
 * ones). Real pages are full of them (mojibake, layout hints, RTL marks); a lookup needs none.
 */
const INVISIBLE = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u180e\u200b-\u200d\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufdd0-\ufdef\ufeff\ufffe\uffff\ud800-\udfff]/gu;

export const squash = (text: string) => text.replace(INVISIBLE, '').replace(/\s+/g, ' ');

function blockOf(node: Node): Element {
  const element = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
  return element?.closest(BLOCK) ?? document.body;
}

/** Text of `container` before / after the range, squashed, trimmed to the context length. */
function context(range: Range, side: 'prefix' | 'suffix'): string {
  const around = document.createRange();
  const container = blockOf(side === 'prefix' ? range.startContainer : range.endContainer);
  around.selectNodeContents(container);
  if (side === 'prefix') around.setEnd(range.startContainer, range.startOffset);
  else around.setStart(range.endContainer, range.endOffset);
  const text = squash(around.toString());
  return side === 'prefix' ? text.slice(-CONTEXT_CHARS).trimStart() : text.slice(0, CONTEXT_CHARS).trimEnd();
}

/** The selector for a range, or null when it is too short to be a quote. */
export function selectorFor(range: Range): TextQuoteSelector | null {
  const exact = squash(range.toString()).trim().slice(0, MAX_CHARS);
  if (exact.split(' ').filter(Boolean).length < MIN_WORDS) return null;
  return { exact, prefix: context(range, 'prefix'), suffix: context(range, 'suffix') };
}

/** The selector for a whole element (auto-scan), with context from its parent block. */
export function selectorForElement(element: Element): TextQuoteSelector | null {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selector = selectorFor(range);
  if (!selector) return null;
  // Quotation marks typed into a blockquote are punctuation, not part of the words.
  selector.exact = selector.exact.replace(/^["“”„«»'‘’]+|["“”„«»'‘’]+$/g, '').trim();
  return selector;
}

export interface Selected {
  selector: TextQuoteSelector;
  /** Viewport rectangles of the selection, first and last line. */
  first: DOMRect;
  last: DOMRect;
}

/** The current page selection if it is a usable quote outside `ignore` and outside editable fields. */
export function currentSelection(ignore: Node): Selected | null {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0);
  const anchor = range.commonAncestorContainer;
  if (ignore.contains(anchor)) return null;
  const element = anchor.nodeType === Node.ELEMENT_NODE ? (anchor as Element) : anchor.parentElement;
  if (element?.closest('input,textarea,[contenteditable=""],[contenteditable=true]')) return null;
  const selector = selectorFor(range);
  if (!selector) return null;
  const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
  const box = range.getBoundingClientRect();
  return { selector, first: rects[0] ?? box, last: rects[rects.length - 1] ?? box };
}
