import type { LogRuleSpec } from './rules.js';

/**
 * Rules for the SLA families' log lines as DATA-ITEMS.md shows them (what the simulator writes).
 * Each pattern pins the line's keyword so a rule cannot catch another kind of line; there is
 * deliberately no rule for JOBFILE lines (file names never leave the adapter), and the free text
 * of ERROR lines is not captured, only the code.
 */
const TIMESTAMP = '(\\S+)';
const DECIMAL = '(-?\\d+(?:\\.\\d+)?)';

const RULES: LogRuleSpec[] = [
  {
    name: 'thermal-vat',
    match: `^${TIMESTAMP} THERMAL VatTemp=${DECIMAL}C(?: |$)`,
    time: 1,
    items: { VatTemperature: { group: 2, type: 'NUMBER', unit: '°C' } },
  },
  {
    name: 'thermal-chamber',
    match: `^${TIMESTAMP} THERMAL Chamber=${DECIMAL}C Humidity=${DECIMAL}%(?: |$)`,
    time: 1,
    items: {
      ChamberTemperature: { group: 2, type: 'NUMBER', unit: '°C' },
      ChamberHumidity: { group: 3, type: 'NUMBER', unit: '%' },
    },
  },
  {
    name: 'build',
    match: `^${TIMESTAMP} BUILD job=([A-Za-z0-9-]{1,32}) layer=(\\d{1,9})/(\\d{1,9}) state=(idle|building|paused|finished|aborted|error|offline)(?: |$)`,
    time: 1,
    items: {
      JobId: { group: 2, type: 'STRING' },
      Layer: { group: 3, type: 'INTEGER' },
      LayerCount: { group: 4, type: 'INTEGER' },
      BuildState: { group: 5, type: 'STRING' },
    },
  },
  {
    name: 'laser',
    match: `^${TIMESTAMP} LASER power=${DECIMAL}W(?: |$)`,
    time: 1,
    items: { LaserPower: { group: 2, type: 'NUMBER', unit: 'W' } },
  },
  {
    name: 'resin',
    match: `^${TIMESTAMP} RESIN level=${DECIMAL}%(?: |$)`,
    time: 1,
    items: { ResinLevel: { group: 2, type: 'NUMBER', unit: '%' } },
  },
  {
    name: 'error',
    match: `^${TIMESTAMP} ERROR code=([A-Z]{1,4}\\d{1,6})(?: |$)`,
    time: 1,
    items: { ErrorCode: { group: 2, type: 'STRING' } },
  },
];

export const DEFAULT_SLA_LOG_RULES: readonly LogRuleSpec[] = Object.freeze(RULES);
