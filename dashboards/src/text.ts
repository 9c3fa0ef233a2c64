import { type Locale, messagesFor } from '../../common/i18n/index.js';
import { DASHBOARDS_MESSAGES } from '../../common/i18n/messages/dashboards.js';

/** The dashboards' strings in one language, from the catalogue (common/i18n/messages/dashboards.ts). */
export type DashboardText = typeof DASHBOARDS_MESSAGES.en;
type Key = keyof DashboardText & string;

/** A panel's key: `<id>.title` with its `<id>.description` beside it (a panel without one does not compile). */
export type PanelId = {
  [K in Key]: K extends `${infer Id}.title` ? (`${Id}.description` extends Key ? Id : never) : never;
}[Key];

export interface PanelText {
  readonly title: string;
  readonly description: string;
}

export function dashboardText(locale: Locale): DashboardText {
  return messagesFor(DASHBOARDS_MESSAGES, locale);
}

export function panelText(t: DashboardText, id: PanelId): PanelText {
  return { title: t[`${id}.title` as const], description: t[`${id}.description` as const] };
}
