/**
 * Speaker-labelled transcripts → turns. Debate, hearing, press-briefing and interview transcripts
 * print who speaks at the start of a line (`HOLT: Good evening…`, `MR. OKONJO:`, `THE PRESIDENT:`,
 * `Q:` / `Q.`), not in quotation marks, so quote extraction cannot attribute their sentences. This
 * module splits such text into turns; the caller attributes every sentence of a turn to its speaker.
 *
 * Rules, in the order they apply:
 * 1. A line opens a turn when, after leading whitespace and leading stage notes, it starts with a
 *    label followed by a colon and whitespace (or the line end): `10:30` and `https://…` never do.
 *    `Q.`, `Q` + tab/two spaces (White House style) open a questioner turn too.
 * 2. A label is at most 5 words and 40 characters, and is either ALL CAPS (titles such as `MR.`,
 *    `SEN.`, `THE` included; `(UNKNOWN)` in parentheses; a trailing note such as `(voice-over)`
 *    allowed) or capitalised words (`Lester Holt`) that occur as a label at least twice — so prose
 *    such as `He said: "…"`, `Note: …` or a one-off `Remember: …` is never a label. Heading words
 *    (`NOTE`, `UPDATE`, `FULL TEXT`, `ONE`, `PART II`…) are never labels.
 * 3. Before the first turn, an all-capitals line whose label occurs once (`TRUMP TO OHIO: I WILL…`)
 *    is a headline and stays in the preamble.
 * 4. The text counts as a transcript only with at least MIN_LABELLED_LINES labelled lines and at
 *    least MIN_LABELS_PER_1000_WORDS labels per 1,000 words from the first label on. Otherwise the
 *    labels are interjections in a speech (an `AUDIENCE:` chant, one questioner), and folding the
 *    unlabelled paragraphs after them into that label would give the main speaker's words to
 *    someone else; `splitTranscript` returns null and the caller ingests plain text.
 * 5. A turn runs over following unlabelled lines until the next label. A label identical to the
 *    current one (a page-break repeat, or the same speaker after a stage note) continues the turn.
 *    An audience interjection (`AUDIENCE:`, `AUDIENCE MEMBER:`, `CROWD:`, `PROTESTER:`) covers its own
 *    line only: rally transcripts label the chant but not the speaker who resumes, so the next
 *    unlabelled line goes back to the speaker before the interjection.
 * 6. Inside a line, a label already seen at least twice at line starts, in capitals, right after a
 *    sentence end (`…bear arms? TRUMP: Well…`), also opens a turn: copy-pasted transcripts glue turns.
 * 7. Stage notes — STAGE_NOTE, a closed vocabulary, not any parenthesis — are removed; `(moderator
 *    Lester Holt)` or `(sic)` stay. Turns left empty by that are dropped.
 *
 * Invariants: every output word appears in the input in the same order (nothing is normalised except
 * whitespace at line ends and around a removed note); lines of one paragraph are joined with '\n'
 * (soft wraps for `splitParagraphs`), paragraphs (blank lines) with '\n\n'; no turn has empty text;
 * consecutive lines with the same label form one turn. Pure: no I/O, no dependencies.
 */

export interface TranscriptTurn {
  /** The label as printed, e.g. "HOLT", "MR. TRUMP", "Q" */
  label: string;
  /** A readable speaker name derived from the label: "Holt", "Trump", "Q" → "Questioner" (reporter), "THE PRESIDENT" → "The President"; titles (MR., MRS., MS., SEN., GOV., DR., REP.) dropped from the name; title-cased. */
  speaker: string;
  /** true for moderators/questioners (label MODERATOR, Q, QUESTION, or a name the header/first lines call moderator — best effort) */
  moderator?: boolean;
  /** The turn's words: stage notes removed, lines of the turn joined; paragraphs inside a turn (blank lines) kept as '\n\n'. */
  text: string;
}

export interface TranscriptSplit {
  /** Text before the first turn (title/header lines), '' when none. */
  preamble: string;
  turns: TranscriptTurn[];
}

/** Why 5 words / 40 characters: the longest real labels ("UNIDENTIFIED FEMALE REPORTER", "SEN. ELIZABETH WARREN") fit; sentences rarely do. */
const MAX_LABEL_WORDS = 5;
const MAX_LABEL_CHARS = 40;
/** A parenthetical after a label — "(voice-over)", "(R-AZ)", "(through translator)" — is short. */
const MAX_LABEL_NOTE_CHARS = 30;
/** Capitalised (not all-caps) labels must recur: one `Remember: …` line is prose, a speaker speaks more than once. */
const MIN_NAME_LABEL_REPEATS = 2;
/** Inline labels must be established at line starts first, so a sentence can't invent a speaker. */
const MIN_INLINE_LABEL_REPEATS = 2;
/** One labelled line is a headline or a list item; a transcript has at least an exchange. */
const MIN_LABELLED_LINES = 2;
/**
 * Why 3 per 1,000 words (a label per ~330 words on average): debate, hearing and briefing turns
 * average 50–150 words (the 2016 debates: ~55; a town hall with labelled answers: ~215), while
 * speeches with a few labelled interjections run ~450–1,050 words per label, and there the long
 * unlabelled stretches after an interjection would be misattributed.
 */
const MIN_LABELS_PER_1000_WORDS = 3;
/** The title block and a moderator's introduction sit in the first lines; "moderator" later is prose. */
const HEADER_LINES = 10;

const STAGE_WORD =
  '(?:(?:audience|crowd)\\s+)?(?:applause|applauding|laughter|laughs|laughing|crosstalk|cross[- ]talk|inaudible|unintelligible|' +
  'indiscernible|ph|booing|boos|cheers|cheering|chanting|chants|silence|pause|pauses|music|gavel|bell(?:\\s+rings)?|' +
  'commercial\\s+break|off[- ]?mi(?:c|ke|crophone)|(?:begin|end)\\s+(?:video(?:tape)?|audio)(?:\\s+clip)?|(?:video|audio)\\s+clip|' +
  'end\\s+of\\s+transcript|recess|sighs|coughs|technical\\s+difficulties|speaking\\s+(?:in\\s+)?foreign\\s+language)';

/**
 * Stage notes like (APPLAUSE), [LAUGHTER], (CROSSTALK), (inaudible) — exported for reuse.
 * A closed vocabulary in round or square brackets, combinable ("[laughter and applause]"), with an
 * optional final period ("(Applause.)") and timestamp ("[inaudible 00:01:12]"). Not global, so
 * `.test()` is stateless; make a global copy to replace every note.
 */
export const STAGE_NOTE: RegExp = new RegExp(
  `[(\\[]\\s*${STAGE_WORD}(?:\\s*(?:,|;|/|&|and)\\s*${STAGE_WORD})*\\s*\\.?\\s*(?:\\d{1,2}:\\d{2}(?::\\d{2})?\\s*)?[)\\]]`,
  'iu',
);
const STAGE_NOTES = new RegExp(STAGE_NOTE.source, 'giu');
const LEADING_STAGE_NOTES = new RegExp(`^(?:\\s*${STAGE_NOTE.source})+\\s*`, 'iu');

/** Label keys that are headings or form fields, never speakers. */
const NOT_LABELS = new Set(
  (
    "NOTE|NOTES|EDITOR'S NOTE|EDITORS NOTE|UPDATE|UPDATED|EDIT|CORRECTION|CLARIFICATION|BREAKING|BREAKING NEWS|WATCH|READ|" +
    'READ MORE|RELATED|SEE ALSO|ALSO|SOURCE|SOURCES|PHOTO|PHOTOS|VIDEO|IMAGE|CREDIT|CREDITS|DISCLAIMER|WARNING|CAUTION|' +
    'IMPORTANT|TRANSCRIPT|FULL TEXT|TEXT|SUBJECT|RE|FROM|TO|CC|BCC|DATE|TIME|LOCATION|PLACE|WHERE|WHEN|WHAT|WHO|WHY|HOW|' +
    'P.S.|PS|FYI|TIP|HINT|EXAMPLE|SUMMARY|ABSTRACT|CONCLUSION|INTRODUCTION|BACKGROUND|CONTEXT|FACT|FACT CHECK|CLAIM|' +
    'VERDICT|RATING|TAGS|CATEGORY|KEYWORDS|EMAIL|E-MAIL|PHONE|TEL|FAX|WEB|WEBSITE|URL|ADDRESS|CONTACT|PRICE|COST|TOTAL|' +
    'REMEMBER|OK|YES|NO|AND|BUT|OR|SO|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|EIGHT|NINE|TEN|FIRST|SECOND|THIRD|FINALLY|LAST'
  ).split('|'),
);
/** First words of numbered headings ("PART II:", "CHAPTER 3:"). */
const NOT_LABEL_FIRST_WORDS = new Set(
  'PART|CHAPTER|SECTION|STEP|EXHIBIT|APPENDIX|TABLE|FIGURE|FIG.|ACT|SCENE|DAY|ROUND|ITEM|PHASE|VOLUME|BOOK|EPISODE|SEASON'.split('|'),
);
/** Titles dropped from speaker names ("MR. TRUMP" → "Trump"); "THE" stays ("The President"). */
const TITLES = new Set(['MR', 'MRS', 'MS', 'MX', 'MISS', 'SEN', 'GOV', 'DR', 'REP', 'PROF']);
/** Labels that are the questioner's role, not a name. */
const QUESTIONER_LABELS = new Set(['Q', 'QUESTION', 'QUESTIONER', 'AUDIENCE QUESTION']);
const MODERATOR_LABELS = new Set(['MODERATOR', 'CO-MODERATOR', 'INTERVIEWER']);
/** Interjections from the floor: a line, never a speech (rule 5). */
const AUDIENCE_LABEL = /^(?:AUDIENCE|CROWD|PROTESTERS?|HECKLERS?)(?: MEMBERS?)?$/;
/** Lower-case name particles allowed inside a capitalised label ("Ursula von der Leyen"). */
const PARTICLES = new Set(['de', 'da', 'del', 'della', 'der', 'di', 'du', 'la', 'le', 'van', 'von', 'bin', 'ibn']);

const CAPS_TOKEN = /^(?:Mc)?\p{Lu}[\p{Lu}\p{M}\d'’.-]*$|^\d{1,3}$/u;
const NAME_TOKEN = /^\p{Lu}[\p{L}\p{M}'’.-]*$/u;
const WORD = /\S+/g;

interface Label {
  /** As printed, whitespace collapsed ("MR. TRUMP", "Lester Holt", "(UNKNOWN)"). */
  printed: string;
  /** Upper-case comparison key. */
  key: string;
  caps: boolean;
}

interface LabelledLine {
  label: Label;
  /** The line after the label's colon. */
  rest: string;
}

interface TurnDraft {
  label: Label;
  paragraphs: string[][];
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
const keyOf = (s: string) => collapse(s).toUpperCase().replace(/’/g, "'");
const countWords = (s: string) => s.match(WORD)?.length ?? 0;

/** Strips the optional "(…)" note after a label and parentheses around it: "(UNKNOWN)" → "UNKNOWN". */
function labelCore(printed: string): string {
  const wrapped = /^\((.+)\)$/u.exec(printed);
  if (wrapped) return wrapped[1].trim();
  const noted = /^(.+?)\s*\([^()]+\)$/u.exec(printed);
  return noted ? noted[1] : printed;
}

/** Whether a label's core has the shape of an ALL-CAPS or a capitalised speaker label (rule 2). */
function labelShape(core: string, wrapped: boolean): 'caps' | 'name' | undefined {
  if (core.length === 0 || core.length > MAX_LABEL_CHARS) return undefined;
  const tokens = core.split(/\s+/);
  if (tokens.length > MAX_LABEL_WORDS) return undefined;
  const key = keyOf(core);
  if (NOT_LABELS.has(key) || NOT_LABELS.has(key.replace(/\.$/, '')) || NOT_LABEL_FIRST_WORDS.has(keyOf(tokens[0]))) return undefined;
  if (!/^\p{Lu}/u.test(tokens[0])) return undefined;
  if (tokens.every((t) => CAPS_TOKEN.test(t)) && !/\p{Ll}/u.test(core.replace(/\bMc/g, ''))) return 'caps';
  if (wrapped) return undefined;
  if (tokens.every((t, i) => NAME_TOKEN.test(t) || (i > 0 && PARTICLES.has(t)))) return 'name';
  return undefined;
}

/** Rule 1: the label at the start of a line, if the line has one (shape only; recurrence is checked later). */
function parseLabelLine(line: string): LabelledLine | undefined {
  const s = line.replace(LEADING_STAGE_NOTES, '').trimStart();
  const q = /^Q(?:\.[^\S\n]+|\t+|[^\S\n]{2,})(\S.*)$/u.exec(s);
  if (q) return { label: { printed: 'Q', key: 'Q', caps: true }, rest: q[1] };
  const m = /^([^:\n]{1,80}?)[^\S\n]*:(?:[^\S\n]+(.*))?$/u.exec(s);
  if (!m) return undefined;
  const printed = collapse(m[1]);
  const wrapped = /^\(.+\)$/u.test(printed);
  const noted = /\(([^()]*)\)$/u.exec(printed);
  if (!wrapped && noted && noted[1].length > MAX_LABEL_NOTE_CHARS) return undefined;
  const shape = labelShape(labelCore(printed), wrapped);
  if (!shape) return undefined;
  return { label: { printed, key: keyOf(printed), caps: shape === 'caps' }, rest: m[2] ?? '' };
}

/** Removes stage notes; a removed note leaves one space between words and none before punctuation. */
function removeStageNotes(line: string): string {
  const marked = line.replace(STAGE_NOTES, '\u0000');
  if (marked === line) return line.trim();
  return marked
    .replace(/[ \t]*\u0000[ \t]*(?=[,.;:?!…]|$)/gu, '')
    .replace(/^[ \t]*\u0000[ \t]*/u, '')
    .replace(/[ \t]*\u0000[ \t]*/gu, ' ')
    .trim();
}

/** Rules 2–3: which lines open a turn. Returns per line the accepted label, or undefined. */
function acceptLabels(parsed: (LabelledLine | undefined)[]): (LabelledLine | undefined)[] {
  const counts = new Map<string, number>();
  for (const p of parsed) if (p) counts.set(p.label.key, (counts.get(p.label.key) ?? 0) + 1);
  let started = false;
  return parsed.map((p) => {
    if (!p) return undefined;
    const n = counts.get(p.label.key) ?? 0;
    if (!p.label.caps && n < MIN_NAME_LABEL_REPEATS) return undefined;
    // A one-off all-capitals line with all-capitals text ahead of any turn is a headline (rule 3).
    const headline = !started && n === 1 && /\p{Lu}{2}/u.test(p.rest) && !/\p{Ll}/u.test(p.rest);
    if (headline) return undefined;
    started = true;
    return p;
  });
}

/** Rule 4: enough labels, densely enough, for the unlabelled lines to be continuations. */
function isTranscript(lines: string[], accepted: (LabelledLine | undefined)[]): boolean {
  const first = accepted.findIndex(Boolean);
  if (first < 0) return false;
  const labelled = accepted.filter(Boolean).length;
  if (labelled < MIN_LABELLED_LINES) return false;
  const words = lines.slice(first).reduce((sum, l) => sum + countWords(l), 0);
  return (labelled * 1000) / Math.max(words, 1) >= MIN_LABELS_PER_1000_WORDS;
}

/** Rule 6: a matcher for established all-caps labels glued after a sentence end inside a line. */
function inlineLabelPattern(accepted: (LabelledLine | undefined)[]): RegExp | undefined {
  const counts = new Map<string, { label: Label; n: number }>();
  for (const p of accepted) {
    if (!p?.label.caps) continue;
    const c = counts.get(p.label.key) ?? { label: p.label, n: 0 };
    c.n += 1;
    counts.set(p.label.key, c);
  }
  const known = [...counts.values()].filter((c) => c.n >= MIN_INLINE_LABEL_REPEATS).map((c) => c.label.printed);
  if (known.length === 0) return undefined;
  // Longest first so "MR. TRUMP" wins over "TRUMP"; escaped because labels contain dots.
  const alternatives = known.sort((a, b) => b.length - a.length).map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<=[.?!…—–-]["”’)\\]]?)[ \\t]+(${alternatives.join('|')}):[ \\t]+`, 'gu');
}

/** Splits a line's text at inline labels: the first piece keeps the current speaker. */
function splitInline(text: string, pattern: RegExp | undefined, byKey: Map<string, Label>): { label?: Label; text: string }[] {
  if (!pattern) return [{ text }];
  const pieces: { label?: Label; text: string }[] = [];
  let from = 0;
  let label: Label | undefined;
  for (const m of text.matchAll(pattern)) {
    pieces.push({ label, text: text.slice(from, m.index) });
    label = byKey.get(keyOf(m[1]));
    from = m.index + m[0].length;
  }
  pieces.push({ label, text: text.slice(from) });
  return pieces;
}

/** Appends a line (already cleaned) to a draft's last paragraph; empty lines are skipped. */
function addLine(paragraphs: string[][], line: string): void {
  if (line) paragraphs[paragraphs.length - 1].push(line);
}

/** A blank line closes the current paragraph (repeated blanks collapse). */
function breakParagraph(paragraphs: string[][]): void {
  if (paragraphs[paragraphs.length - 1].length > 0) paragraphs.push([]);
}

const joinParagraphs = (paragraphs: string[][]) =>
  paragraphs
    .filter((p) => p.length > 0)
    .map((p) => p.join('\n'))
    .join('\n\n');

const isAudience = (label: Label) => AUDIENCE_LABEL.test(keyOf(labelCore(label.printed)));

/** Rules 5–7: lines → preamble paragraphs and turn drafts. */
function buildDrafts(lines: string[], accepted: (LabelledLine | undefined)[]): { preamble: string[][]; drafts: TurnDraft[] } {
  const preamble: string[][] = [[]];
  const drafts: TurnDraft[] = [];
  const inline = inlineLabelPattern(accepted);
  const byKey = new Map<string, Label>();
  for (const p of accepted) if (p && !byKey.has(p.label.key)) byKey.set(p.label.key, p.label);
  let current: TurnDraft | undefined;
  /** The speaker an audience interjection interrupted, who resumes on the next unlabelled line. */
  let resume: Label | undefined;
  const open = (label: Label) => {
    if (current && current.label.key === label.key) return;
    if (current && !isAudience(current.label)) resume = current.label;
    current = { label, paragraphs: [[]] };
    drafts.push(current);
  };
  lines.forEach((line, i) => {
    const labelled = accepted[i];
    if (labelled) open(labelled.label);
    const target = current ? current.paragraphs : preamble;
    if (!labelled && line.trim() === '') {
      breakParagraph(target);
      return;
    }
    const text = labelled ? labelled.rest : line;
    if (!current) {
      addLine(preamble, removeStageNotes(text));
      return;
    }
    if (!labelled && resume && isAudience(current.label) && removeStageNotes(text)) open(resume);
    for (const piece of splitInline(text, inline, byKey)) {
      if (piece.label) open(piece.label);
      addLine(current.paragraphs, removeStageNotes(piece.text));
    }
  });
  return { preamble, drafts };
}

/** Title-cases an all-caps word: "O'ROURKE" → "O'Rourke", "MCCAIN" → "McCain"; mixed-case words stay. */
function titleCaseWord(word: string): string {
  if (/\p{Ll}/u.test(word)) return word;
  return word
    .toLowerCase()
    .replace(/(^|[-'’])(\p{Ll})/gu, (_, sep: string, c: string) => sep + c.toUpperCase())
    .replace(/^Mc(\p{Ll})/u, (_, c: string) => `Mc${c.toUpperCase()}`);
}

/** "MR. TRUMP" → "Trump", "THE PRESIDENT" → "The President", "Q" → "Questioner", "(UNKNOWN)" → "Unknown". */
function speakerName(label: string): string {
  const core = labelCore(collapse(label));
  if (QUESTIONER_LABELS.has(keyOf(core))) return 'Questioner';
  const words = core.split(' ');
  while (words.length > 1 && TITLES.has(keyOf(words[0]).replace(/\.$/, ''))) words.shift();
  return words.map(titleCaseWord).join(' ');
}

/** Upper-case name words the header calls moderator: "(moderators Martha Raddatz, Anderson Cooper)", "Jo Bell, moderator". */
function moderatorNameWords(header: string): Set<string> {
  const words = new Set<string>();
  const addNames = (phrase: string) => {
    for (const token of phrase.split(/[\s,&]+/)) {
      if (token === 'and') continue;
      if (!NAME_TOKEN.test(token)) break;
      words.add(keyOf(token).replace(/[.'’]+$/, ''));
    }
  };
  for (const m of header.matchAll(/\bmoderat(?:or|ors|ed by)\b[\s:]+([^()\n;]{1,100})/giu)) addNames(m[1]);
  for (const m of header.matchAll(/((?:\p{Lu}[\p{L}'’.-]*\s+){0,3}\p{Lu}[\p{L}'’.-]*),?\s+(?:the\s+|our\s+|your\s+)?moderator\b/gu)) {
    addNames(m[1]);
  }
  return words;
}

/** Moderator/questioner: by role label, or by surname named as moderator in the header. */
function isModerator(label: Label, speaker: string, header: Set<string>): boolean {
  const core = keyOf(labelCore(label.printed));
  if (QUESTIONER_LABELS.has(core) || MODERATOR_LABELS.has(core)) return true;
  const last = keyOf(speaker.split(' ').pop() ?? '');
  return header.has(last);
}

/** `opts.title`: the document's title when the caller took it off the text (it may name the moderator). Returns null when the text has no recognisable speaker turns (then the caller ingests it as plain text and warns). */
export function splitTranscript(text: string, opts: { title?: string } = {}): TranscriptSplit | null {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const accepted = acceptLabels(lines.map(parseLabelLine));
  if (!isTranscript(lines, accepted)) return null;
  const { preamble, drafts } = buildDrafts(lines, accepted);
  // The document's title (a .txt's first line, kept apart as the title) is part of its header too.
  const headerLines = [...(opts.title ? [opts.title] : []), ...lines.filter((l) => l.trim())].slice(0, HEADER_LINES);
  const header = moderatorNameWords(headerLines.join('\n'));
  const turns: TranscriptTurn[] = [];
  for (const draft of drafts) {
    const body = joinParagraphs(draft.paragraphs);
    if (!body) continue;
    const speaker = speakerName(draft.label.printed);
    const turn: TranscriptTurn = { label: draft.label.printed, speaker, text: body };
    if (isModerator(draft.label, speaker, header)) turn.moderator = true;
    turns.push(turn);
  }
  if (turns.length === 0) return null;
  return { preamble: joinParagraphs(preamble), turns };
}
