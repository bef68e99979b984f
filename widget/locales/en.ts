import type { Plural } from '../i18n';

/** English: the reference every other language has all the keys of. */
export default {
  find: 'Find source',
  selected: 'Quote selected. Press Tab to find its source.',
  loading: 'Looking up the source…',
  close: 'Close',
  retry: 'Try again',
  /* verdicts: banner headings and badge labels */
  accurate: 'Quoted accurately',
  changed: 'Wording changed',
  meaning: 'Meaning changed',
  misattributed: 'Misattributed',
  none: 'No reliable source',
  /* one line under each verdict */
  accurateWhy: 'The words match the source.',
  changedWhy: 'Some words differ from the source; what it says is the same.',
  meaningWhy: 'This page changes what the source says.',
  misattributedWhy: 'The source credits {0}; this page credits {1}.',
  noneWhy: 'No source we hold matches these words closely enough to be sure. That does not mean the quote is wrong.',
  earliestWhy: 'We hold no primary record; the source below is the earliest report.',
  /* errors */
  failed: 'Lookup failed',
  rate: 'Too many lookups — try again in {0} s.',
  offline: 'You are offline. Try again when you are back online.',
  timeout: 'QuoteSource took too long to answer.',
  server: 'QuoteSource has a problem right now.',
  network: 'QuoteSource could not be reached.',
  /* the comparison */
  pageSays: 'This page says',
  sourceSays: 'The source says',
  earliest: 'Earliest report',
  saidBy: 'Said by {0}',
  untitled: 'Untitled',
  context: 'In its paragraph',
  match: 'Match: {0}',
  changes: 'What changed',
  dropped: 'dropped',
  added: 'added',
  meaningNote: 'changes the meaning',
  negation: 'negation',
  number: 'number',
  time: 'date or time',
  quantifier: 'quantifier',
  opposite: 'opposite',
  modality: 'certainty',
  intensity: 'strength',
  /* spread */
  articles: { one: 'Printed in {0} article', other: 'Printed in {0} articles' } as Plural,
  wordings: { one: '{0} wording', other: '{0} wordings' } as Plural,
  asSource: 'as the source',
  unverified: 'Reports word it differently; none is verified.',
  /* fact-checks */
  checks: 'Fact-check of this claim',
  rated: '{0} rates it “{1}”',
  read: 'Read the fact-check',
  /* badges */
  badge: 'Source check for “{0}”: {1}',
};
