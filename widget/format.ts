/** Small formatting rules for the card: dates via Intl, safe links. */

/** `published` (ISO date or timestamp) formatted for `lang`; the raw text if it is not a date. */
export function formatDate(published: string, lang: string): string {
  if (!published) return '';
  const date = new Date(published);
  if (Number.isNaN(date.getTime())) return published;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(published);
  try {
    return new Intl.DateTimeFormat(lang || undefined, { dateStyle: 'long', timeZone: dateOnly ? 'UTC' : undefined }).format(date);
  } catch {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeZone: dateOnly ? 'UTC' : undefined }).format(date);
  }
}

/** The URL if it is an absolute http(s) URL, else null: javascript:, data: and friends never become links. */
export function safeHref(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
