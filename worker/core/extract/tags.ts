/**
 * How the paragraph walks read elements (lower-case tag names), the same on both paths: the DOM one
 * over Readability's output or a fragment (html.ts) and the linear one over htmlparser2's tree for
 * pages past Readability's cap (block-walk.ts).
 */

/** Each innermost one is a paragraph. */
export const BLOCK_TAGS: ReadonlySet<string> = new Set([
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'blockquote',
  'pre',
  'figcaption',
  'dd',
  'dt',
  'td',
  'th',
]);

/** They hold paragraphs; bare text directly inside one is a paragraph of its own. */
export const CONTAINER_TAGS: ReadonlySet<string> = new Set(
  'div section article main aside nav header footer figure table thead tbody tfoot tr ul ol dl form body html'.split(' '),
);

/** Never text a reader reads as the article. */
export const SKIP_TAGS: ReadonlySet<string> = new Set(['script', 'style', 'noscript', 'template', 'svg', 'iframe', 'button', 'select', 'textarea']);
