import { messagesFor } from '../../common/i18n/catalogue.js';
import type { Locale } from '../../common/i18n/locale.js';
import { REPORT_MESSAGES } from '../../common/i18n/messages/report.js';

/**
 * The report namespace as the run page's script reads it (window.BUSYBENCH_TEXT): a string as it
 * is, a function as a template made by calling it with placeholders `{0}`, `{1}`… that the
 * script fills with its figures. The report's messages only place their arguments, so the
 * template says what the function would.
 */
export function pageMessages(locale: Locale): Record<string, string> {
  const m = messagesFor(REPORT_MESSAGES, locale);
  return Object.fromEntries(
    Object.entries(m).map(([key, message]) => {
      if (typeof message === 'string') return [key, message];
      const place = message as (...args: string[]) => string;
      return [key, place(...Array.from({ length: place.length }, (_, i) => `{${i}}`))];
    }),
  );
}
