import { describe, expect, it } from 'vitest';
import { pageMessages } from '../../../collector/src/page-messages.js';
import { ALL_MESSAGES } from '../../../common/i18n/all-messages.js';
import type { Message } from '../../../common/i18n/catalogue.js';
import { REPORT_MESSAGES } from '../../../common/i18n/messages/report.js';

/**
 * The catalogue is complete: every namespace registered in all-messages.ts (whatever is in it,
 * another team's included) has the same keys in both languages, no empty message, Chinese in
 * every Chinese message, and functions of the same shape that place the same figures.
 */

const HAN = /\p{Script=Han}/u;

/** Chinese messages with no Han character on purpose: a metric with its unit, list punctuation, a share. */
const SAME_IN_CHINESE = new Set([
  'report.listSeparator',
  'report.page.warningSeparator',
  'report.percent',
  'scoreboard.listSeparator',
  'scoreboard.figure.p50Ms',
  'scoreboard.figure.p99Ms',
]);

/** Figures no message would write by itself, so finding one in the output means it was placed. */
const SAMPLES = [4711, 4712, 4713, 4714, 4715, 4716, 4717, 4718, 4719, 4720];

/** A message as text: a function called with sample figures (numbers, else strings if it needs them). */
function sample(message: Message): { text: string; args: readonly (number | string)[] } {
  if (typeof message === 'string') return { text: message, args: [] };
  const numbers = SAMPLES.slice(0, message.length);
  try {
    return { text: message(...numbers), args: numbers };
  } catch {
    const strings = numbers.map(String);
    return { text: message(...strings), args: strings };
  }
}

const namespaces = Object.entries(ALL_MESSAGES);

describe('the message catalogue', () => {
  it('registers the report and scoreboard namespaces, with messages in them', () => {
    expect(Object.keys(ALL_MESSAGES)).toEqual(expect.arrayContaining(['report', 'scoreboard']));
    expect(Object.keys(ALL_MESSAGES.report?.en ?? {}).length).toBeGreaterThan(50);
    expect(Object.keys(ALL_MESSAGES.scoreboard?.en ?? {}).length).toBeGreaterThan(30);
  });

  for (const [ns, messages] of namespaces) {
    describe(`namespace ${ns}`, () => {
      const en = messages.en;
      const zh = messages['zh-CN'];

      it('has the same keys in both languages', () => {
        expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
      });

      it('has no empty message, and each key is a string or a function in both', () => {
        for (const key of Object.keys(en)) {
          const [a, b] = [en[key], zh[key]] as [Message, Message];
          expect(typeof b, `${ns}.${key}`).toBe(typeof a);
          if (typeof a === 'function' && typeof b === 'function')
            expect(b.length, `${ns}.${key}: arguments`).toBe(a.length);
          for (const [lang, m] of [
            ['en', a],
            ['zh-CN', b],
          ] as const)
            expect(sample(m).text.trim(), `${ns}.${key} (${lang}) is empty`).not.toBe('');
        }
      });

      it('says every Chinese message in Chinese, but for a short list that is the same in both', () => {
        const english = Object.keys(zh).filter((key) => !HAN.test(sample(zh[key] as Message).text));
        expect(english.map((k) => `${ns}.${k}`).filter((k) => !SAME_IN_CHINESE.has(k))).toEqual([]);
      });

      it('places in Chinese every figure the English places', () => {
        for (const key of Object.keys(en)) {
          const a = sample(en[key] as Message);
          const b = sample(zh[key] as Message);
          for (const arg of a.args)
            if (a.text.includes(String(arg)))
              expect(b.text, `${ns}.${key} drops its figure ${arg}`).toContain(String(arg));
        }
      });
    });
  }

  it('keeps its allowlist honest: each entry exists and really has no Chinese', () => {
    for (const entry of SAME_IN_CHINESE) {
      const [ns, ...rest] = entry.split('.');
      const message = ALL_MESSAGES[ns as string]?.['zh-CN'][rest.join('.')];
      expect(message, entry).toBeDefined();
      expect(HAN.test(sample(message as Message).text), entry).toBe(false);
    }
  });

  it("sends the page the report's messages as templates that say what the functions say", () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const templates = pageMessages(locale);
      for (const [key, message] of Object.entries(REPORT_MESSAGES[locale])) {
        const args = SAMPLES.slice(0, typeof message === 'function' ? message.length : 0).map(String);
        // As run-page.js fills them.
        const filled = (templates[key] as string).replace(
          /\{(\d+)\}/g,
          (_, i: string) => args[Number(i)] ?? '',
        );
        expect(filled, `${locale} ${key}`).toBe(sample(message).text);
      }
    }
  });
});
