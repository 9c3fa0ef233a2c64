import type { Locale } from './locale.js';

/**
 * The one message catalogue: every string busybench shows a person in a language, by namespace
 * (one file each under messages/, so a component's strings sit together), English and Chinese side
 * by side. A message is a string or a function of its figures (word order differs between the
 * languages, so figures are placed by the message, never concatenated by the caller).
 *
 * Completeness is held twice: the type (`defineMessages` makes zh-CN name every key of en, with
 * the same arguments) and test/common/i18n/catalogue.test.ts (no empty or English-only Chinese
 * message; a rendered Chinese report has no English left in it).
 */
// biome-ignore lint/suspicious/noExplicitAny: a message's arguments are whatever it declares.
export type Message = string | ((...args: any[]) => string);
export type MessageSet = Readonly<Record<string, Message>>;

/** One namespace in both languages; zh-CN must have exactly en's keys, each of the same shape. */
export interface Messages<T extends MessageSet> {
  readonly en: T;
  readonly 'zh-CN': { readonly [K in keyof T]: T[K] };
}

export function defineMessages<T extends MessageSet>(messages: Messages<T>): Messages<T> {
  return messages;
}

/** A namespace's messages in a locale. */
export function messagesFor<T extends MessageSet>(messages: Messages<T>, locale: Locale): T {
  return messages[locale];
}
