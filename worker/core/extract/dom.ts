/**
 * The part of a DOM that HTML extraction uses, typed here instead of taken from TypeScript's DOM lib.
 * Extraction runs in the ingest worker and in Node, neither of which has a DOM: the document is
 * linkedom's, built from a string. With the DOM lib the worker would also see `document`, `window`
 * and a global `Node`, which exist in no runtime this code runs in (and the Workers types already
 * declare a different `Element`, HTMLRewriter's), so the worker project has no DOM lib
 * (tsconfig.worker.json) and this module names only what extraction calls.
 *
 * Invariants: nothing here is a value but `parseDocument`; the interfaces are satisfied by linkedom's
 * objects (and by a browser's, so they stay honest), which extraction's tests exercise.
 */
import { parseHTML } from 'linkedom';

/** `Node.nodeType` values extraction tells apart (the DOM standard's numbers; there is no global `Node` to read them from). */
export const NodeType = { element: 1, text: 3, cdata: 4, documentType: 10 } as const;

export interface DomNode {
  readonly nodeType: number;
  readonly textContent: string | null;
  readonly childNodes: ArrayLike<DomNode> & Iterable<DomNode>;
  appendChild<T extends DomNode>(node: T): T;
}

export interface DomElement extends DomNode {
  readonly tagName: string;
  readonly parentElement: DomElement | null;
  readonly firstElementChild: DomElement | null;
  readonly nextElementSibling: DomElement | null;
  readonly attributes: Iterable<{ readonly name: string; readonly value: string }>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): Iterable<DomElement> & ArrayLike<DomElement>;
  remove(): void;
}

export interface DomDocument extends DomNode {
  readonly documentElement: DomElement | null;
  /** Created (empty, inside documentElement) on first read when the markup has none: see html.ts. */
  readonly body: DomElement;
  createElement(tagName: string): DomElement;
  querySelector(selectors: string): DomElement | null;
  querySelectorAll(selectors: string): Iterable<DomElement> & ArrayLike<DomElement>;
}

export function isElement(node: DomNode): node is DomElement {
  return node.nodeType === NodeType.element;
}

/** A document parsed from markup by linkedom (pure JS: runs in Workers and Node). */
export function parseDocument(html: string): DomDocument {
  // linkedom declares its result with the DOM lib's types, which this project does not load: the
  // interfaces above are what we rely on of it.
  const { document } = parseHTML(html) as { document: DomDocument };
  return document;
}
