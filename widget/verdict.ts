/**
 * The verdict a reader reads first, from a lookup answer: accurate / wording changed / meaning
 * changed / misattributed / no reliable source. Each has an icon and words (never colour alone);
 * badges and the card banner share them, so a badge and its card always agree.
 */
import type { Match } from '../worker/core/types';

export type Verdict = 'accurate' | 'changed' | 'meaning' | 'misattributed' | 'none';

/** Misattribution outranks a meaning change: whose words they are comes before how they were changed. */
export function verdictOf(match: Match | undefined): Verdict {
  if (!match) return 'none';
  if (match.speakerMismatch) return 'misattributed';
  if (match.altered) return 'meaning';
  return match.differences.length ? 'changed' : 'accurate';
}

/** Icons: a distinct shape per verdict, read together with the words. */
export const ICON: Record<Verdict | 'error', string> = {
  accurate: '✓',
  changed: '✎',
  meaning: '⚠',
  misattributed: '⇄',
  none: '?',
  error: '!',
};
