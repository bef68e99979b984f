/**
 * The antonym lexicon (worker/core/lexicon/antonyms.json, built by scripts/build-lexicon.ts) in a
 * compact text form, for the public worker, which loads it from its static assets on first use
 * instead of carrying it in its bundle (docs/sources.md "Two workers"). Pure.
 *
 * Format (UTF-8 text, lines separated by "\n"):
 *   line 1: the opposed pole pairs, "a.b" in base 36, separated by spaces, sorted;
 *   then one line per word, sorted: the length of the prefix it shares with the previous word as
 *   one base-36 digit (capped at 35), the rest of the word, a space, its poles in base 36 joined by ".".
 * Front coding halves the words; base 36 shortens the numbers; JSON punctuation and quotes are gone.
 *
 * Invariant: `decodeLexicon(encodeLexicon(x))` deep-equals `x` (tests/node/lexicon-compact.test.ts).
 */
export interface Lexicon {
  words: Record<string, number[]>;
  opposed: [number, number][];
}

const MAX_PREFIX = 35;

export function encodeLexicon(lexicon: Lexicon): string {
  const pairs = lexicon.opposed.map(([a, b]) => `${a.toString(36)}.${b.toString(36)}`).join(' ');
  const lines = [pairs];
  let previous = '';
  for (const word of Object.keys(lexicon.words).sort()) {
    let shared = 0;
    while (shared < MAX_PREFIX && shared < word.length && shared < previous.length && word[shared] === previous[shared]) shared++;
    lines.push(`${shared.toString(36)}${word.slice(shared)} ${lexicon.words[word].map((p) => p.toString(36)).join('.')}`);
    previous = word;
  }
  return lines.join('\n');
}

export function decodeLexicon(text: string): Lexicon {
  const lines = text.split('\n');
  const opposed = lines[0]
    ? lines[0].split(' ').map((pair) => {
        const [a, b] = pair.split('.');
        return [parseInt(a, 36), parseInt(b, 36)] as [number, number];
      })
    : [];
  const words: Record<string, number[]> = {};
  let previous = '';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const space = line.lastIndexOf(' ');
    const word = previous.slice(0, parseInt(line[0], 36)) + line.slice(1, space);
    words[word] = line
      .slice(space + 1)
      .split('.')
      .map((p) => parseInt(p, 36));
    previous = word;
  }
  return { words, opposed };
}
