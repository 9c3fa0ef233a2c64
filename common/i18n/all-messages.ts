import type { MessageSet, Messages } from './catalogue.js';
import { DASHBOARDS_MESSAGES } from './messages/dashboards.js';
import { REPORT_MESSAGES } from './messages/report.js';
import { SCOREBOARD_MESSAGES } from './messages/scoreboard.js';

/** Every namespace of the catalogue, for the completeness test and nothing else (callers import their namespace). */
export const ALL_MESSAGES: Readonly<Record<string, Messages<MessageSet>>> = {
  dashboards: DASHBOARDS_MESSAGES,
  report: REPORT_MESSAGES,
  scoreboard: SCOREBOARD_MESSAGES,
};
