/**
 * The widget's words in the reader's language. Every language, English included, is a module of its
 * own (widget/locales/*.ts → dist/public/widget-<lang>-<hash>.js) loaded on demand when the element
 * connects, so `/widget.js` carries code only; until they arrive the widget shows no trigger (a
 * selection is seconds away) and a card shows its progress bar.
 *
 * Which language: `data-lang` (the `locale` property), else the host page's `<html lang>`, else the
 * browser's languages; the first one we have by its primary subtag (`fr-CA` → `fr`), else English.
 * Dates and numbers go through `Intl` in the reader's full tag (`fr-CA`), plurals through
 * `Intl.PluralRules`, so a locale module holds words only.
 *
 * Invariants: every locale module has every key of `en` (checked by the type of `Messages`); a
 * placeholder is `{0}`, `{1}`; a plural message has at least `other`; a language whose module fails
 * to load falls back to English.
 */
import type en from './locales/en';

export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Messages = { [K in keyof typeof en]: (typeof en)[K] extends string ? string : Plural };

/** Languages with a module (besides English), and those written right to left. */
export const LANGS = ['en', 'fr', 'de', 'es', 'ru', 'uk', 'ar', 'zh'] as const;
export type Lang = (typeof LANGS)[number];
const RTL = new Set(['ar']);
export const isRtl = (lang: string) => RTL.has(lang);

/** The first tag of `candidates` whose language we have: [full tag for Intl, our language]. */
export function pickLang(candidates: (string | null | undefined)[]): [string, Lang] {
  for (const tag of candidates) {
    if (!tag) continue;
    const lang = tag.toLowerCase().split(/[-_]/)[0] as Lang;
    if (LANGS.includes(lang)) {
      try {
        return [Intl.getCanonicalLocales(tag)[0], lang];
      } catch {
        return [lang, lang];
      }
    }
  }
  return ['en', 'en'];
}

/** One module per language: esbuild (splitting) and Vite each make these separate files. Spelt out, not a glob: a glob import costs a shared helper chunk. */
const LOADERS: Record<Lang, () => Promise<{ default: Messages }>> = {
  en: () => import('./locales/en'),
  fr: () => import('./locales/fr'),
  de: () => import('./locales/de'),
  es: () => import('./locales/es'),
  ru: () => import('./locales/ru'),
  uk: () => import('./locales/uk'),
  ar: () => import('./locales/ar'),
  zh: () => import('./locales/zh'),
};

const loaded = new Map<string, Promise<Messages>>();

/** The messages of `lang`, loading its module once; English if it cannot be loaded. */
export function loadMessages(lang: Lang): Promise<Messages> {
  let pending = loaded.get(lang);
  if (!pending) {
    pending = LOADERS[lang]().then(
      (m) => m.default,
      (error) => {
        loaded.delete(lang);
        if (lang === 'en') throw error;
        return loadMessages('en');
      },
    );
    loaded.set(lang, pending);
  }
  return pending;
}

/** `template` with `{0}`, `{1}` replaced by `args`. */
export const fill = (template: string, ...args: unknown[]) => template.replace(/\{(\d)\}/g, (_, i) => String(args[+i]));

/** A plural message for `n` in `locale`, the number formatted by Intl. */
export function plural(forms: Plural, n: number, locale: string): string {
  const rule = new Intl.PluralRules(locale).select(n);
  return fill(forms[rule] ?? forms.other, new Intl.NumberFormat(locale).format(n));
}
