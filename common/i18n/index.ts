/**
 * The catalogue's namespaces, gathered in one place so the completeness test sees them all.
 * A new namespace file under messages/ is added here.
 */
export { defineMessages, type Message, type MessageSet, type Messages, messagesFor } from './catalogue.js';
export { LOCALES, type Locale, localeFromEnv, parseLocale } from './locale.js';
