/**
 * The languages busybench speaks, and how a user picks one: `--lang zh-CN`, or the locale
 * (LC_ALL, LC_MESSAGES, LANG: what a Chinese terminal already says), English otherwise.
 */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * A language tag or a POSIX locale into one of ours: `zh`, `zh-CN`, `zh_CN.UTF-8`, `zh-Hans`, `zh_SG` → zh-CN;
 * `en`, `en_US.UTF-8`, `C`, `POSIX` → en; anything else → null (the CLI says which it knows).
 */
export function parseLocale(value: string): Locale | null {
  const tag = value.trim().split('.')[0]?.split('@')[0]?.replace('_', '-').toLowerCase() ?? '';
  // Simplified Chinese: mainland China, Singapore, or the script said (zh-Hans-SG); not zh-TW, zh-Hant.
  if (tag === 'zh' || /^zh-(cn|sg|hans)(-|$)/.test(tag)) return 'zh-CN';
  if (tag === 'en' || tag.startsWith('en-') || tag === 'c' || tag === 'posix') return 'en';
  return null;
}

/**
 * The locale's language: the first of LC_ALL, LC_MESSAGES, LANG that is set decides (the order
 * setlocale reads the messages category in); en when it is not ours. gettext's LANGUAGE list is
 * not read: a Chinese session sets LANG too.
 */
export function localeFromEnv(env: NodeJS.ProcessEnv = process.env): Locale {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const value = env[name];
    if (value) return parseLocale(value) ?? 'en';
  }
  return 'en';
}
