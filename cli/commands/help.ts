/** The parts every control command's --help shares. */
import { CONTROL_DEFAULTS } from '../../config/defaults.js';

export const COMMON_OPTION_LINES = [
  "  --json          print the daemon's reply as JSON, for scripts",
  `  --socket PATH   the daemon's control socket (default ${CONTROL_DEFAULTS.socketPath})`,
  '  -h, --help      this help',
];

export const EXIT_LINES = [
  'Exit codes: 0 ok, 64 usage error, 69 no daemon at the socket (or not allowed, or no answer),',
  '70 protocol or internal error.',
];

export function helpText(usage: string, description: readonly string[], extraOptions: readonly string[] = []): string {
  return [`usage: ${usage}`, '', ...description, '', 'Options:', ...extraOptions, ...COMMON_OPTION_LINES, '', ...EXIT_LINES]
    .map((line) => `${line}\n`)
    .join('');
}
