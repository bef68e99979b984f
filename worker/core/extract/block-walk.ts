/**
 * The linear extractor for pages too large for Readability (html.ts READABILITY_MAX_ELEMENTS, READABILITY_MAX_DEPTH_SUM): the
 * page is parsed in chunks into htmlparser2's plain node tree (domhandler — no CSS engine, no DOM
 * events) and walked once for its metadata and once for its paragraphs, yielding between slices.
 *
 * Why not linkedom, as for small pages: on a 30,000-element page its parse, its selector engine (the
 * metadata and furniture queries scan the whole document each time) and the block walk took 1.4 s in
 * one synchronous block, and linkedom cannot be fed in pieces. htmlparser2's Parser can (`write`), the
 * tree it builds is cheap, and every walk here is O(nodes).
 *
 * What it reads matches the block walk html.ts runs on a DOM: each innermost block element is one
 * paragraph, a run of inline content in a container is one (split at `<br><br>`), navigation and page
 * furniture are left out. Invariants: depth is already capped (bounds.ts), so the recursive walks are
 * at most MAX_NESTING_DEPTH deep; every node is visited a bounded number of times.
 */
import { DomHandler, Parser } from 'htmlparser2';
import type { ChildNode, Document, Element } from 'domhandler';
import type { Sliced } from '../slices';
import { ParagraphCollector } from './paragraphs';
import { BLOCK_TAGS, CONTAINER_TAGS, SKIP_TAGS } from './tags';

/**
 * Characters parsed per slice: htmlparser2 with domhandler builds the tree at several MB/s here, so
 * 32 KB is a few milliseconds of the thread; a 1 MB page takes ~30 slices.
 */
export const PARSE_CHUNK_CHARS = 32 * 1024;
/** Nodes walked per slice: a node is well under a microsecond of work, so 4,000 stay around a millisecond or two. */
export const NODES_PER_SLICE = 4000;

/** Page furniture, never article text. */
const FURNITURE_TAGS = new Set(['nav', 'header', 'footer', 'aside', 'form', 'menu']);
const FURNITURE_ROLES = new Set(['navigation', 'banner', 'contentinfo']);
/** Outside <body> (a page without one), these are head matter, not text. */
const HEAD_MATTER = new Set(['head', 'title', 'meta', 'link', 'base']);

const isElement = (node: ChildNode): node is Element => node.type === 'tag' || node.type === 'script' || node.type === 'style';
const isFurniture = (el: Element) => FURNITURE_TAGS.has(el.name) || FURNITURE_ROLES.has(el.attribs.role ?? '') || el.attribs['aria-hidden'] === 'true';

/** What the metadata pass needs from a page, gathered in one walk. */
export interface PageFacts {
  /** `content` of the first meta tag per property / name / itemprop, in document order. */
  meta: Map<string, string>;
  title: string;
  canonical: string;
  lang: string;
  /** Text of every `<script type="application/ld+json">`. */
  jsonLd: string[];
}

export interface BlockWalk {
  facts: PageFacts;
  paragraphs: string[];
}

/** Parses `html` in PARSE_CHUNK_CHARS slices into a node tree. */
function* parseTree(html: string): Sliced<Document> {
  let done: Document | undefined;
  const handler = new DomHandler((error) => {
    if (error) throw error;
    done = handler.root;
  });
  const parser = new Parser(handler, { decodeEntities: true });
  for (let at = 0; at < html.length; at += PARSE_CHUNK_CHARS) {
    parser.write(html.slice(at, at + PARSE_CHUNK_CHARS));
    yield;
  }
  parser.end();
  return done ?? handler.root;
}

/** Text of a node's subtree (what the DOM's `textContent` gives), page furniture left out. */
function textOf(node: ChildNode): string {
  if (node.type === 'text' || node.type === 'cdata') return 'data' in node ? String(node.data) : textOfChildren(node.children);
  if (!isElement(node) || isFurniture(node)) return '';
  return textOfChildren(node.children);
}
function textOfChildren(children: ChildNode[]): string {
  let out = '';
  for (const child of children) out += textOf(child);
  return out;
}

/** A block's text with each <br> as a line break (html.ts blockText). */
function blockTextOf(el: Element): { text: string; breaks: boolean } {
  let breaks = false;
  const walk = (node: ChildNode): string => {
    if (node.type === 'text') return node.data;
    if (!isElement(node) || isFurniture(node)) return '';
    if (node.name === 'br') {
      breaks = true;
      return '\n';
    }
    let out = '';
    for (const child of node.children) out += walk(child);
    return out;
  };
  let text = '';
  for (const child of el.children) text += walk(child);
  return { text: breaks ? text.replace(/\s*\n\s*/g, '\n') : text, breaks };
}

/** Parses and walks a page in slices: its metadata and its paragraphs. */
export function* blockWalk(html: string): Sliced<BlockWalk> {
  const root = yield* parseTree(html);
  let visited = 0;
  /** Counts a node; true when the slice is spent (the caller then yields). */
  const tick = () => ++visited % NODES_PER_SLICE === 0;

  // One walk: metadata, the <body>, and which elements hold block or container elements.
  const facts: PageFacts = { meta: new Map(), title: '', canonical: '', lang: '', jsonLd: [] };
  const hasBlocks = new Set<Element>();
  let body: Element | undefined;
  function* scan(node: ChildNode): Generator<unknown, boolean, void> {
    if (tick()) yield;
    if (!isElement(node)) return false;
    const a = node.attribs;
    switch (node.name) {
      case 'html':
        if (!facts.lang && a.lang) facts.lang = a.lang.trim();
        break;
      case 'body':
        body ??= node;
        break;
      case 'title':
        if (!facts.title) facts.title = textOfChildren(node.children).trim();
        break;
      case 'meta': {
        const content = a.content?.trim();
        if (content) for (const key of [a.property, a.name, a.itemprop]) if (key && !facts.meta.has(key)) facts.meta.set(key, content);
        break;
      }
      case 'link':
        if (!facts.canonical && a.rel === 'canonical' && a.href) facts.canonical = a.href.trim();
        break;
      case 'script':
        if (a.type === 'application/ld+json') facts.jsonLd.push(textOfChildren(node.children));
        break;
    }
    let blocks = false;
    for (const child of node.children) {
      const childHas = yield* scan(child);
      if (childHas || (isElement(child) && (BLOCK_TAGS.has(child.name) || CONTAINER_TAGS.has(child.name)))) blocks = true;
    }
    if (blocks) hasBlocks.add(node);
    return blocks;
  }
  for (const node of root.children) yield* scan(node);

  const collected = new ParagraphCollector();
  function* visit(children: ChildNode[], topLevel: boolean): Generator<unknown, void, void> {
    for (const child of children) {
      if (tick()) yield;
      if (child.type === 'text') {
        collected.append(child.data);
        continue;
      }
      if (!isElement(child) || SKIP_TAGS.has(child.name) || isFurniture(child)) continue;
      if (topLevel && HEAD_MATTER.has(child.name)) continue;
      if (child.name === 'br') collected.lineBreak();
      else if (BLOCK_TAGS.has(child.name) && !hasBlocks.has(child)) {
        collected.endRun();
        collected.add(blockTextOf(child).text);
      } else if (BLOCK_TAGS.has(child.name) || CONTAINER_TAGS.has(child.name) || hasBlocks.has(child)) {
        collected.endRun();
        yield* visit(child.children, topLevel && (child.name === 'html' || child.name === 'head'));
      } else collected.append(textOf(child));
    }
    collected.endRun();
  }
  if (body) yield* visit(body.children, false);
  else yield* visit(root.children, true);
  return { facts, paragraphs: collected.paragraphs };
}
