/**
 * Dates as fact-checkers' data gives them ("2021-7-16", "28 February 2022", "July 20, 2021",
 * "2021-07-20T09:30:00-04:00") → ISO 8601, the only form ClaimReview (schema.org `Date`/`DateTime`)
 * and Google's API accept. Pure; never guesses: an ambiguous or impossible date is '' (unknown).
 */

const MONTHS: Record<string, number> = Object.fromEntries(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].flatMap((m, i) => [
    [m, i + 1],
    [m.slice(0, 3), i + 1],
  ]),
);
MONTHS.sept = 9;

const pad = (n: number) => String(n).padStart(2, '0');

/** YYYY-MM-DD when the day exists in that month (2021-02-30 does not), else ''. */
function ymd(year: number, month: number, day: number): string {
  // Years outside this window are typos in the data, not dates anyone fact-checked.
  if (!(year >= 1000 && year <= 2999) || month < 1 || month > 12 || day < 1) return '';
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? `${year}-${pad(month)}-${pad(day)}` : '';
}

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO 8601 date (YYYY-MM-DD) or timestamp for `raw`, '' when it is empty or not a date.
 * Timestamps keep their time (an offset-less one is read as UTC and marked `Z`).
 */
export function isoDate(raw: string | null | undefined): string {
  const text = (raw ?? '').trim().replace(/\s+/g, ' ');
  if (!text) return '';
  const ts = ISO_TIMESTAMP.exec(text.replace(' ', 'T'));
  if (ts) {
    const day = ymd(+ts[1], +ts[2], +ts[3]);
    if (!day || +ts[4] > 23 || +ts[5] > 59 || +(ts[6] ?? 0) > 59) return '';
    const zone = !ts[8] || ts[8] === 'Z' ? 'Z' : ts[8].length === 5 ? `${ts[8].slice(0, 3)}:${ts[8].slice(3)}` : ts[8];
    return `${day}T${ts[4]}:${ts[5]}:${ts[6] ?? '00'}${zone}`;
  }
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text);
  if (m) return ymd(+m[1], +m[2], +m[3]);
  // "28 February 2022", "28 Feb. 2022"
  m = /^(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+)\.?,? (\d{4})$/.exec(text);
  if (m && MONTHS[m[2].toLowerCase()]) return ymd(+m[3], MONTHS[m[2].toLowerCase()], +m[1]);
  // "February 28, 2022", "Feb 28 2022"
  m = /^([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/.exec(text);
  if (m && MONTHS[m[1].toLowerCase()]) return ymd(+m[3], MONTHS[m[1].toLowerCase()], +m[2]);
  // Day/month order in "07/08/2021" differs by country: refuse rather than guess.
  return '';
}

/** The calendar day of an ISO date or timestamp (YYYY-MM-DD), '' when unknown. */
export const isoDay = (raw: string | null | undefined): string => isoDate(raw).slice(0, 10);
