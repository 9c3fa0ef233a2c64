import { describe, expect, it } from 'vitest';
import { localeFromEnv, parseLocale } from '../../../common/i18n/locale.js';

describe('the language a user asks for', () => {
  it('reads language tags and POSIX locales for Simplified Chinese as zh-CN', () => {
    for (const v of [
      'zh',
      'zh-CN',
      'zh_CN',
      'zh_CN.UTF-8',
      'zh_CN.GB18030',
      'ZH-cn',
      ' zh-Hans ',
      'zh-Hans-CN',
      'zh-Hans-SG',
      'zh_SG.UTF-8',
      'zh_CN.UTF-8@pinyin',
    ])
      expect(parseLocale(v), v).toBe('zh-CN');
  });

  it('reads English and the C locale as en', () => {
    for (const v of ['en', 'en-US', 'en_GB.UTF-8', 'C', 'C.UTF-8', 'POSIX'])
      expect(parseLocale(v), v).toBe('en');
  });

  it('knows no other language, Traditional Chinese included', () => {
    for (const v of ['fr', 'fr_FR.UTF-8', 'zh-TW', 'zh_HK.UTF-8', 'zh-Hant', 'english', 'zhx', '', 'e'])
      expect(parseLocale(v), v).toBeNull();
  });

  it('takes the first of LC_ALL, LC_MESSAGES and LANG that is set', () => {
    expect(localeFromEnv({})).toBe('en');
    expect(localeFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(localeFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(localeFromEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' })).toBe('en');
    // An empty variable is unset; the first one set decides, even for a language we lack.
    expect(localeFromEnv({ LC_ALL: '', LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(localeFromEnv({ LC_ALL: 'fr_FR.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('en');
  });

  it("does not read gettext's LANGUAGE list (README.zh-CN.md says so)", () => {
    expect(localeFromEnv({ LANGUAGE: 'zh_CN:zh' })).toBe('en');
    expect(localeFromEnv({ LANGUAGE: 'zh_CN:zh', LANG: 'en_US.UTF-8' })).toBe('en');
    expect(localeFromEnv({ LANGUAGE: 'en_US:en', LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
  });
});
