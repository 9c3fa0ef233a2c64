/**
 * The catalogue's API in one import: defining a namespace, reading it in a locale, and the
 * locales with how a user picks one. The namespaces themselves are each imported from
 * messages/ by their callers; all-messages.ts gathers them for the completeness test.
 */
export { defineMessages, type Message, type MessageSet, type Messages, messagesFor } from './catalogue.js';
export { LOCALES, type Locale, localeFromEnv, parseLocale } from './locale.js';
