/**
 * Markup bounds: one linear pass over a page's tags, before any DOM is built, that makes extraction
 * cost bounded however the markup is shaped.
 *
 * Why: the expensive parts are superlinear in nesting depth, not in bytes. Readability is roughly
 * cubic in depth (a 16 KB page of 1,500 nested <div>s took 50 s), and the HTML parser under linkedom
 * (htmlparser2's Parser, which keeps its open-element stack with `Array#unshift`) is quadratic:
 * 1 MB of unclosed <b> takes minutes just to parse. htmlparser2's *Tokenizer* is a plain state
 * machine, linear in the input, so this pass uses it and keeps its own stack (push/pop only).
 *
 * What it does:
 * - **Depth**: tags that would open deeper than `MAX_NESTING_DEPTH` are dropped, their text kept
 *   (so the words are still in the page, one level up). A dropped block-level tag leaves `<br><br>`
 *   behind, which Readability turns back into a paragraph break. Real pages nest far less (the 46
 *   saved news pages in the shared corpus: at most 34).
 * - **Size**: a page with more than `MAX_ELEMENTS` elements is refused (`MarkupBoundsError`) as soon
 *   as the count is passed — real article pages have a few thousand (corpus: at most ~3,000).
 *
 * Invariants: output depth ≤ MAX_NESTING_DEPTH as an HTML parser will build it (the stack here never
 * applies fewer implied closes than the parser, so it never underestimates depth); every character of
 * text and every kept tag is copied verbatim, in order; the pass is O(input length).
 */
import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

import { MarkupBoundsError } from '../errors';
import { runToEnd, type Sliced } from '../slices';

/** Deepest element kept: above the deepest real page seen (34). Readability is ~cubic in depth (1,500: 50 s), so every level costs. */
export const MAX_NESTING_DEPTH = 48;
/** Elements in a page we extract from: ten times a large real article page (1 MB of markup can hold 300,000). */
export const MAX_ELEMENTS = 30_000;

/**
 * Characters tokenised per slice when the pass runs sliced (`boundMarkupSteps`): the tokenizer reads
 * about 15 MB/s here (900 KB in ~55 ms in Node), so 64 KB is a few milliseconds, and 1 MB sixteen slices.
 */
export const BOUNDS_CHUNK_CHARS = 64 * 1024;

export { MarkupBoundsError };

const VOID = new Set('area base basefont bgsound br col command embed frame hr image img input isindex keygen link meta param source track wbr'.split(' '));

/** Block-level tags: dropping one loses a paragraph break, so a dropped one leaves `<br><br>`. */
const BLOCK = new Set(
  'address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup li main nav ol p pre section summary table tbody td tfoot th thead tr ul'.split(
    ' ',
  ),
);

/**
 * Opening one of these closes the current element when it is one of the listed ones (the subset of
 * the HTML parser's implied end tags that real pages rely on: unclosed <p>, <li>, table cells).
 * Checking only the top of the stack, as htmlparser2 does, keeps each step O(1).
 */
const P_CLOSERS =
  'address article aside blockquote details div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main nav ol p pre section table ul'.split(
    ' ',
  );
const IMPLIES_CLOSE = new Map<string, Set<string>>([
  ...P_CLOSERS.map((tag) => [tag, new Set(['p'])] as [string, Set<string>]),
  ['li', new Set(['li', 'p'])],
  ['dt', new Set(['dt', 'dd', 'p'])],
  ['dd', new Set(['dt', 'dd', 'p'])],
  ['tr', new Set(['tr', 'td', 'th'])],
  ['td', new Set(['td', 'th'])],
  ['th', new Set(['td', 'th'])],
  ['tbody', new Set(['thead', 'tbody', 'tr', 'td', 'th'])],
  ['tfoot', new Set(['thead', 'tbody', 'tr', 'td', 'th'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
]);

/** Inside these (foreign content), `<x/>` really is self-closing. */
const FOREIGN = new Set(['svg', 'math']);

export interface BoundedMarkup {
  html: string;
  /** Deepest nesting seen in the input (before dropping). */
  depth: number;
  elements: number;
  /** Tags dropped for being too deep. */
  dropped: number;
  /** Elements the DOM built from `html` will have: the kept ones and the `<br>`s left for dropped ones. */
  domElements: number;
  /**
   * The sum of every kept element's depth: how many (element, ancestor) pairs the DOM holds, i.e. the
   * total size of all its subtrees. Readability walks each candidate's whole subtree for text and tags,
   * so its time follows this, not the element count alone (html.ts READABILITY_MAX_DEPTH_SUM).
   */
  depthSum: number;
}

interface Open {
  name: string;
  kept: boolean;
}

/** Caps a page's nesting depth (dropping the tags below it, keeping their text) and refuses pages with too many elements. */
export function boundMarkup(html: string, limits: { maxDepth?: number; maxElements?: number } = {}): BoundedMarkup {
  return runToEnd(boundMarkupSteps(html, limits));
}

/** `boundMarkup`, yielding after every BOUNDS_CHUNK_CHARS of input (run it with core/slices.ts). */
export function* boundMarkupSteps(html: string, limits: { maxDepth?: number; maxElements?: number } = {}): Sliced<BoundedMarkup> {
  const maxDepth = limits.maxDepth ?? MAX_NESTING_DEPTH;
  const maxElements = limits.maxElements ?? MAX_ELEMENTS;
  const out: string[] = [];
  let copiedUpTo = 0;
  /** Whether the output so far ends in a `<br><br>` left by a dropped tag (then only whitespace). */
  let endsInBreak = false;
  /**
   * Copies the input up to `from`, then skips to `to` (exclusive), writing `replacement` instead. A
   * paragraph break right after another (only whitespace between) is not repeated: 20,000 dropped
   * <div>s would otherwise leave 80,000 <br>s for the DOM and Readability to wade through.
   */
  const cut = (from: number, to: number, replacement: string) => {
    const between = html.slice(copiedUpTo, from);
    const blank = !/\S/.test(between);
    if (replacement && endsInBreak && blank) replacement = '';
    if (replacement) {
      breaksLeft += 2;
      depthSum += 2 * (stack.length + 1); // the two <br>s sit where the dropped tag would have
    }
    out.push(between, replacement);
    endsInBreak = replacement ? true : endsInBreak && blank;
    copiedUpTo = to;
  };
  const stack: Open[] = [];
  const openCount = new Map<string, number>();
  let foreign = 0;
  let deepest = 0;
  let elements = 0;
  let dropped = 0;
  let breaksLeft = 0;
  let depthSum = 0;
  // The tag being read: where it starts and its lowercased name.
  let tagStart = 0;
  let tagName = '';

  const push = (name: string, kept: boolean) => {
    stack.push({ name, kept });
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
    if (FOREIGN.has(name)) foreign++;
  };
  const pop = () => {
    const top = stack.pop()!;
    openCount.set(top.name, openCount.get(top.name)! - 1);
    if (FOREIGN.has(top.name)) foreign--;
    return top;
  };
  const endOpenTag = (end: number, selfClosing: boolean) => {
    const name = tagName;
    const closes = IMPLIES_CLOSE.get(name);
    while (closes && stack.length && closes.has(stack[stack.length - 1].name)) pop();
    elements++;
    if (elements > maxElements) {
      throw new MarkupBoundsError(
        `the page has more than ${maxElements.toLocaleString('en')} elements; pages with more are not extracted (real article pages have a few thousand)`,
      );
    }
    const isVoid = VOID.has(name) || (selfClosing && foreign > 0);
    const depth = stack.length + 1;
    deepest = Math.max(deepest, depth);
    // Elements that can hold children stop one level short, so what stands in for a dropped one
    // (<br><br>, void) still sits within the limit.
    const kept = isVoid ? depth <= maxDepth : depth < maxDepth;
    if (!kept) {
      dropped++;
      cut(tagStart, end + 1, BLOCK.has(name) ? '<br><br>' : '');
    }
    if (kept) depthSum += depth;
    if (!isVoid) push(name, kept);
  };

  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      tagStart = start - 1;
      tagName = html.slice(start, end).toLowerCase();
    },
    onopentagend(end) {
      endOpenTag(end, false);
    },
    onselfclosingtag(end) {
      endOpenTag(end, true);
    },
    onclosetag(start, end) {
      const name = html.slice(start, end).toLowerCase();
      if (VOID.has(name) || !openCount.get(name)) return; // stray end tag: the parser ignores it too
      let top: Open;
      do top = pop();
      while (top.name !== name);
      if (!top.kept) {
        const gt = html.indexOf('>', end);
        cut(start - 2, gt < 0 ? html.length : gt + 1, BLOCK.has(name) ? '<br><br>' : '');
      }
    },
    onattribdata() {},
    onattribentity() {},
    onattribend() {},
    onattribname() {},
    oncdata() {},
    oncomment() {},
    ondeclaration() {},
    onend() {},
    onprocessinginstruction() {},
    ontext() {},
    ontextentity() {},
  };
  const tokenizer = new Tokenizer({ decodeEntities: false }, callbacks);
  // Chunks: the tokenizer reports absolute offsets, so the callbacks read `html` as before.
  for (let at = 0; at < html.length; at += BOUNDS_CHUNK_CHARS) {
    tokenizer.write(html.slice(at, at + BOUNDS_CHUNK_CHARS));
    if (at + BOUNDS_CHUNK_CHARS < html.length) yield;
  }
  tokenizer.end();
  const domElements = elements - dropped + breaksLeft;
  if (dropped === 0) return { html, depth: deepest, elements, dropped, domElements, depthSum };
  out.push(html.slice(copiedUpTo));
  return { html: out.join(''), depth: deepest, elements, dropped, domElements, depthSum };
}
