/**
 * Speaker noun phrases → speakers. Splits a subject phrase such as
 * "Secretary-General of the United Nations António Guterres" into name + role, resolves pronouns
 * ("he") to the last named speaker, surnames ("Guterres") to the full name seen earlier in the
 * article, and role mentions ("the Secretary-General") to the person who held that role.
 */
import type { Speaker } from '../types';

const PRONOUNS = new Set(['he', 'she', 'they', 'i', 'we', 'it', 'you']);
const PERSONAL_PRONOUNS = new Set(['he', 'she']);

/** Honorifics dropped from names ("Mr. Obama" → "Obama"). */
const HONORIFICS = new Set(['mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'dr', 'dr.', 'sir', 'dame', 'mx.', 'messrs.']);

/** Capitalised words that belong to a role or an organisation, never to a person's name. */
const ROLE_WORDS = new Set(
  (
    'president vice secretary secretary-general general minister prime senator sen. sen rep. rep gov. gov governor mayor ' +
    'director chairman chairwoman chair chief head spokesman spokeswoman spokesperson judge justice gen. lt. col. ' +
    'democrat democrats democratic republican republicans gop candidate nominee ceo cfo professor prof. attorney speaker ' +
    'leader ambassador commissioner officer representative deputy former sheriff chancellor king queen pope rev. ' +
    'united nations states house senate department party committee council assembly office ministry union court ' +
    'campaign agency administration government army police white federal national state county city university ' +
    'news times post press journal tribune associated reuters afp ap cnn nbc abc cbs fox msnbc bbc ' +
    'the a an of and in for to on at from by with new foreign defense defence interior justice homeland security ' +
    'first lady founder co-founder executive manager adviser advisor aide analyst economist strategist pollster ' +
    'member members chairman congressman congresswoman lawmaker lawmakers delegate delegation ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december today yesterday but and so then also later however meanwhile opening speaking ' +
    'asked told writing according'
  ).split(/\s+/),
);

/** Name particles allowed inside a name ("Ursula von der Leyen", "Luiz Inácio Lula da Silva"). */
const PARTICLES = new Set(['de', 'da', 'van', 'von', 'der', 'den', 'del', 'della', 'di', 'du', 'la', 'le', 'bin', 'al', 'ibn', 'st.']);

const NAME_TOKEN = /^(?:\p{Lu}[\p{L}\p{M}'’.-]*|\p{Lu}\.)$/u;

function stripPossessive(token: string): string {
  return token.replace(/['’]s$/u, '');
}

function isNameToken(token: string): boolean {
  const t = stripPossessive(token);
  return NAME_TOKEN.test(t) && !ROLE_WORDS.has(t.toLowerCase()) && !HONORIFICS.has(t.toLowerCase());
}

export interface ParsedSpeakerPhrase {
  kind: 'name' | 'pronoun' | 'nominal';
  /** The person's name (kind 'name'), the pronoun, or the noun phrase as written (kind 'nominal'). */
  text: string;
  role?: string;
}

/** Cleans a phrase: parentheticals, surrounding punctuation, leading conjunctions and adverbs. */
function tidy(phrase: string): string {
  return phrase
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[\s"“”„«»'‘’,:;—–-]+$/u, '')
    .replace(/^[\s"“”„«»'‘’,:;.—–-]+/u, '')
    .replace(/^(?:and|but|so|then|while|as|when|where|because|although|though|yet|or)\s+/i, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Parses a subject phrase. `appositive` is the ", …," phrase after a name, used as its role.
 * "Head of the Russian delegation Vladimir Medinsky" → name "Vladimir Medinsky", role "Head of the Russian delegation".
 */
export function parseSpeakerPhrase(phrase: string, appositive?: string): ParsedSpeakerPhrase | undefined {
  const np = tidy(phrase);
  if (!np) return undefined;
  const lower = np.toLowerCase();
  if (PRONOUNS.has(lower)) return { kind: 'pronoun', text: lower };
  const tokens = np.split(' ');
  // The name is the last run of name tokens (particles allowed inside), honorifics dropped.
  let end = tokens.length;
  while (end > 0 && !isNameToken(tokens[end - 1])) end--;
  let start = end;
  while (start > 0) {
    const t = tokens[start - 1];
    if (isNameToken(t)) start--;
    else if (PARTICLES.has(t.toLowerCase()) && start - 2 >= 0 && isNameToken(tokens[start - 2]) && start < end) start--;
    else break;
  }
  const role = tidy(appositive ?? '') || undefined;
  if (end === 0 || end - start > 5) return { kind: 'nominal', text: np, role };
  // A name run must close the phrase (bar trailing lowercase filler like "in a statement").
  const trailing = tokens.slice(end).join(' ');
  if (trailing && !/^(?:in|on|at|during|after|before|later|also|told|via|through|to)\b/i.test(trailing)) {
    return { kind: 'nominal', text: np, role };
  }
  const name = tokens.slice(start, end).map(stripPossessive).join(' ');
  let before = tokens.slice(0, start);
  while (before.length && HONORIFICS.has(before[before.length - 1].toLowerCase())) before = before.slice(0, -1);
  const ownRole = tidy(before.join(' ').replace(/^(?:the|a|an)\s+/i, (m) => (before.length > 1 ? m : '')));
  const roleText = role ?? (ownRole && /\p{L}{2,}/u.test(ownRole) ? ownRole : undefined);
  return { kind: 'name', text: name, role: roleText && roleText.length <= 120 ? roleText : undefined };
}

/** Full names seen so far, the last named speaker, and who held which role: article-scoped state. */
export class SpeakerTracker {
  private bySurname = new Map<string, Speaker>();
  private roles: Speaker[] = [];
  last?: Speaker;

  /** Registers a full name seen anywhere in the text (so a later "Trump said" becomes "Donald Trump"). */
  noteName(name: string): void {
    const parts = name.split(' ');
    if (parts.length < 2) return;
    const surname = parts[parts.length - 1].toLowerCase();
    const known = this.bySurname.get(surname);
    if (!known || known.name.split(' ').length < parts.length) this.bySurname.set(surname, { ...(known ?? {}), name });
  }

  /** Resolves a parsed phrase to a speaker; updates "last speaker" when it names someone. */
  resolve(parsed: ParsedSpeakerPhrase | undefined): Speaker | undefined {
    if (!parsed) return undefined;
    if (parsed.kind === 'pronoun') {
      return PERSONAL_PRONOUNS.has(parsed.text) && this.last ? { ...this.last } : undefined;
    }
    if (parsed.kind === 'nominal') {
      const byRole = this.byRole(parsed.text);
      if (byRole) return this.remember(byRole);
      // Unnamed sources ("a source", "officials") are speakers as written, never carried over to pronouns.
      return { name: parsed.text, ...(parsed.role ? { role: parsed.role } : {}) };
    }
    const parts = parsed.text.split(' ');
    let name = parsed.text;
    let knownRole: string | undefined;
    if (parts.length === 1) {
      const full = this.bySurname.get(parts[0].toLowerCase());
      if (full) {
        name = full.name;
        knownRole = full.role;
      }
    } else {
      this.noteName(parsed.text);
      knownRole = this.bySurname.get(parts[parts.length - 1].toLowerCase())?.role;
    }
    const speaker: Speaker = { name };
    const role = parsed.role ?? knownRole;
    if (role) speaker.role = role;
    if (parsed.role) {
      this.roles.push(speaker);
      const surname = name.split(' ').pop()!.toLowerCase();
      const known = this.bySurname.get(surname);
      if (known && known.name === name) known.role ??= parsed.role;
    }
    return this.remember(speaker);
  }

  private remember(speaker: Speaker): Speaker {
    this.last = speaker;
    return { ...speaker };
  }

  private byRole(phrase: string): Speaker | undefined {
    const bare = phrase.replace(/^(?:the|a|an)\s+/i, '').toLowerCase();
    if (!/\p{Lu}/u.test(phrase.replace(/^(?:the|a|an)\s+/i, '')) || bare.split(' ').length > 4) return undefined;
    for (let i = this.roles.length - 1; i >= 0; i--) {
      const role = this.roles[i].role?.toLowerCase() ?? '';
      if (role === bare || role.startsWith(`${bare} `) || role.endsWith(` ${bare}`)) return this.roles[i];
    }
    return undefined;
  }
}

/** Person-like capitalised runs of 2–4 tokens ("Vladimir Medinsky") anywhere in a text, to register full names. */
export function findFullNames(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\p{Lu}[\p{L}\p{M}'’-]+|\p{Lu}\.)(?:\s+(?:\p{Lu}[\p{L}\p{M}'’-]+|\p{Lu}\.)){1,3}/gu;
  for (const m of text.matchAll(re)) {
    const tokens = m[0].split(/\s+/).map(stripPossessive);
    let s = 0;
    while (s < tokens.length && !isNameToken(tokens[s])) s++;
    const run = tokens.slice(s);
    if (run.length >= 2 && run.every(isNameToken) && !/\.$/.test(run[run.length - 1])) out.push(run.join(' '));
  }
  return out;
}
