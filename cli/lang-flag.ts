import { LOCALES, type Locale, localeFromEnv, parseLocale } from '../common/i18n/locale.js';

/**
 * `--lang <en|zh-CN>`: the language of the reports and the scoreboard a command prints and
 * writes. Without it, the locale's (LC_ALL, LC_MESSAGES, LANG), so a Chinese terminal gets Chinese.
 */
export const LANG_OPTION = [
  '--lang <lang>',
  `language of the report: ${LOCALES.join(' or ')} (default: from LC_ALL, LC_MESSAGES or LANG, else en)`,
] as const;

/** The flag's language; a tag we do not speak is a problem for the list (en meanwhile). */
export function langFlag(raw: string | undefined, problems: string[], env = process.env): Locale {
  if (raw === undefined) return localeFromEnv(env);
  const locale = parseLocale(raw);
  if (locale === null) problems.push(`--lang "${raw}" must be ${LOCALES.join(' or ')}`);
  return locale ?? 'en';
}
