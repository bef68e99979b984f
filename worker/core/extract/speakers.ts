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
    'member members chairman congressman congresswoman lawmaker lawmakers delegate delegation councillor councilor ' +
    'councilman councilwoman alderman trustee inspector detective sergeant captain colonel superintendent engineer ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december today yesterday but and so then also later however meanwhile opening speaking ' +
    'asked told writing according said says added adds wrote writes air force navy marine corps guard presidential debate debates morning evening night'
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
  // All-capitals words of four letters or more are datelines and headings ("MIDWAY ATOLL"), not names.
  if (/^[\p{Lu}.-]{4,}$/u.test(t) && !/\./.test(t)) return false;
  return NAME_TOKEN.test(t) && !ROLE_WORDS.has(t.toLowerCase()) && !HONORIFICS.has(t.toLowerCase());
}

export interface ParsedSpeakerPhrase {
  kind: 'name' | 'pronoun' | 'nominal';
  /** The person's name (kind 'name'), the pronoun, or the noun phrase as written (kind 'nominal'). */
  text: string;
  role?: string;
  /** From an honorific ("Mr." → 'm', "Mrs."/"Ms." → 'f'). */
  gender?: 'm' | 'f';
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
  const honorific = before[before.length - 1]?.toLowerCase().replace(/\.$/, '');
  const gender = honorific === 'mr' ? 'm' : honorific === 'mrs' || honorific === 'ms' ? 'f' : undefined;
  while (before.length && HONORIFICS.has(before[before.length - 1].toLowerCase())) before = before.slice(0, -1);
  const ownRole = tidy(before.join(' ').replace(/^(?:the|a|an)\s+/i, (m) => (before.length > 1 ? m : '')));
  const roleText = role ?? (ownRole && /\p{L}{2,}/u.test(ownRole) ? ownRole : undefined);
  return { kind: 'name', text: name, role: roleText && roleText.length <= 120 ? roleText : undefined, ...(gender ? { gender } : {}) };
}

const MALE_NAMES = new Set(
  (
    'aaron adam alan albert alex alexander andrew anthony antónio antonio barack ben benjamin bernie bill bob boris brian bruce ' +
    'carl charles chris christopher chuck dan daniel david dennis don donald doug douglas ed edward emmanuel eric frank gary ' +
    'george greg harry henry jack jacob james jason jeb jeff jeffrey jim jimmy joe john jon jonathan joseph josh justin keith ' +
    'ken kevin larry mark martin matt matthew michael mike mitch mykhailo nick nicholas olaf pat patrick paul pete peter ' +
    'phil philip rand richard rick rob robert ron ronald rudy ryan sam scott sean sergei sergey stephen steve steven ted ' +
    'thomas tim timothy todd tom tony vladimir volodymyr walter william xi yuri dmitry'
  ).split(/\s+/),
);
const FEMALE_NAMES = new Set(
  (
    'abigail alexandria alice amy angela ann anna anne barbara betsy carly caroline catherine chelsea christina claire ' +
    'condoleezza debbie diane donna elizabeth ellen emily emma gina hillary huma jane janet jennifer jill joan julia julie ' +
    'karen kate katie kellyanne melanie tina terry kamala kirsten laura linda lisa loretta madeleine maria marine mary megan melania michelle ' +
    'nancy nikki patricia rachel sarah sharon stephanie susan tammy theresa ursula valerie victoria'
  ).split(/\s+/),
);

type Gender = 'm' | 'f' | undefined;

/** A person mentioned at some point of the article, for pronoun resolution by recency. */
interface Mention {
  speaker: Speaker;
  at: number;
}

/** Full names seen so far, recent people (speakers and sentence subjects), who held which role: article-scoped state. */
export class SpeakerTracker {
  private bySurname = new Map<string, Speaker>();
  private roles: Speaker[] = [];
  private genders = new Map<string, Gender>();
  private mentions: Mention[] = [];
  /** The last named speaker. */
  last?: Speaker;

  /** Registers a full name seen anywhere in the text (so a later "Trump said" becomes "Donald Trump"). */
  noteName(name: string): void {
    const parts = name.split(' ');
    if (parts.length < 2) return;
    const surname = parts[parts.length - 1].toLowerCase();
    const known = this.bySurname.get(surname);
    if (!known || known.name.split(' ').length < parts.length) this.bySurname.set(surname, { ...(known ?? {}), name });
  }

  /** Notes a gender cue for a name ("Mr. Clarke", "Ms. Lynch", or a pronoun that referred to them). */
  noteGender(name: string, gender: Gender): void {
    if (gender && !this.genders.has(name)) this.genders.set(name, gender);
  }

  private genderOf(name: string): Gender {
    const known = this.genders.get(name);
    if (known) return known;
    const first = name.split(' ')[0].toLowerCase();
    return MALE_NAMES.has(first) ? 'm' : FEMALE_NAMES.has(first) ? 'f' : undefined;
  }

  /** A plausible person: a known full name, a surname of one, or two to four name tokens. */
  isPersonName(name: string): boolean {
    const parts = name.split(' ');
    if (parts.length >= 2) return parts.length <= 4;
    return this.bySurname.has(name.toLowerCase()) || this.genders.has(name);
  }

  /** A person named as the subject of a sentence at position `at` (a candidate antecedent for "he"/"she"). */
  mention(parsed: ParsedSpeakerPhrase | undefined, at: number): void {
    if (parsed?.kind !== 'name') return;
    const speaker = this.lookup(parsed);
    this.mentions.push({ speaker, at });
  }

  /** Resolves a parsed phrase to a speaker at position `at`; remembers named speakers for later pronouns. */
  resolve(parsed: ParsedSpeakerPhrase | undefined, at = Number.MAX_SAFE_INTEGER): Speaker | undefined {
    if (!parsed) return undefined;
    if (parsed.kind === 'pronoun') {
      if (!PERSONAL_PRONOUNS.has(parsed.text)) return undefined;
      const gender: Gender = parsed.text === 'he' ? 'm' : 'f';
      for (let i = this.mentions.length - 1; i >= 0; i--) {
        const m = this.mentions[i];
        if (m.at > at) continue;
        const g = this.genderOf(m.speaker.name);
        if (g && g !== gender) continue;
        this.noteGender(m.speaker.name, gender);
        this.last = m.speaker;
        return { ...m.speaker };
      }
      return undefined;
    }
    if (parsed.kind === 'nominal') {
      const byRole = this.byRole(parsed.text);
      if (byRole) return this.remember(byRole, at);
      // Unnamed sources ("a source", "officials") are speakers as written, never antecedents of "he"/"she".
      return { name: parsed.text, ...(parsed.role ? { role: parsed.role } : {}) };
    }
    return this.remember(this.lookup(parsed), at);
  }

  /** Full name and known role for a parsed name ("Guterres" → "António Guterres"). */
  private lookup(parsed: ParsedSpeakerPhrase): Speaker {
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
    if (parsed.gender) this.noteGender(name, parsed.gender);
    const role = parsed.role ?? knownRole;
    if (role) speaker.role = role;
    if (parsed.role) {
      this.roles.push(speaker);
      const surname = name.split(' ').pop()!.toLowerCase();
      const known = this.bySurname.get(surname);
      if (known && known.name === name) known.role ??= parsed.role;
    }
    return speaker;
  }

  private remember(speaker: Speaker, at: number): Speaker {
    this.last = speaker;
    this.mentions.push({ speaker, at });
    return { ...speaker };
  }

  /** A role the text gives a named person outside any attribution ("Secretary-General of the United Nations António Guterres underlined…"). */
  noteRole(name: string, role: string): void {
    this.noteName(name);
    const known = this.bySurname.get(name.split(' ').pop()!.toLowerCase());
    if (known && known.name === name) known.role ??= role;
    this.roles.push({ name, role });
  }

  private byRole(phrase: string): Speaker | undefined {
    const bare = phrase.replace(/^(?:the|a|an)\s+/i, '').toLowerCase();
    if (!/\p{Lu}/u.test(phrase.replace(/^(?:the|a|an)\s+/i, '')) || bare.split(' ').length > 4) return undefined;
    const wanted = roleWords(bare);
    for (let i = this.roles.length - 1; i >= 0; i--) {
      const role = this.roles[i].role?.toLowerCase() ?? '';
      if (role === bare || role.startsWith(`${bare} `) || role.endsWith(` ${bare}`)) return this.roles[i];
      // "the UN Secretary-General" is the "Secretary-General of the United Nations": the same words, abbreviations spelt out.
      const have = new Set(roleWords(role));
      if (wanted.length >= 2 && wanted.every((w) => have.has(w))) return this.roles[i];
    }
    return undefined;
  }
}

/** Common abbreviations in roles, spelt out so "UN Secretary-General" and "Secretary-General of the United Nations" compare. */
const ROLE_ABBREVIATIONS: Record<string, string> = { un: 'united nations', us: 'united states', uk: 'united kingdom', eu: 'european union', nato: 'nato' };

function roleWords(role: string): string[] {
  return role
    .toLowerCase()
    .replace(/[.,]/g, ' ')
    .split(/\s+/)
    .flatMap((w) => (ROLE_ABBREVIATIONS[w] ?? w).split(' '))
    .filter((w) => w && !['the', 'of', 'a', 'an', 'and', 'for'].includes(w));
}

/**
 * Roles given just before a full name, outside attributions: "Secretary-General of the United
 * Nations António Guterres", "Presidential Aide Vladimir Medinsky". The words from the last clause
 * break (sentence end, comma, "and") up to the name are parsed as one subject phrase.
 */
export function findRolesBeforeNames(text: string): { name: string; role: string }[] {
  const out: { name: string; role: string }[] = [];
  for (const name of new Set(findFullNames(text))) {
    for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
      const before = text.slice(Math.max(0, at - 80), at);
      const clause = before.split(/[.;:!?,()"“”]|\s(?:and|while|as|that)\s/).pop() ?? '';
      // A role starts with a capital word: "Secretary-General …", "Head of …", "Presidential Aide".
      const m = /(\p{Lu}[\p{L}-]*(?:\s+(?:of|the|for|\p{Lu}[\p{L}-]*))*)\s*$/u.exec(clause.trim());
      if (!m || m[1].split(/\s+/).length > 8) continue;
      const parsed = parseSpeakerPhrase(`${m[1]} ${name}`);
      if (parsed?.kind === 'name' && parsed.text === name && parsed.role) out.push({ name, role: parsed.role });
    }
  }
  return out;
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
