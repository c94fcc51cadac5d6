/** `3dconnect config`: the configuration the daemon runs with, secrets redacted. */
import { maskSecrets, renderConfig } from '../views/config-view.js';
import { helpText } from './help.js';
import type { CommandIo } from './io.js';
import { viewCommand } from './view-command.js';

export const SUMMARY = 'the effective configuration, secrets redacted';
export const USAGE = 'usage: 3dconnect config [--json] [--socket PATH]';
export const HELP = helpText(USAGE.slice('usage: '.length), [
  'The configuration the daemon runs with, defaults filled in, as YAML. Secrets never appear: the',
  'daemon shows where each comes from (<env:NAME>, <file:PATH>), and anything under a key named',
  'like a secret (appKey, token, password, passphrase, key) is masked again here.',
]);

const command = viewCommand({
  name: 'config',
  cmd: 'config',
  help: HELP,
  usage: USAGE,
  rules: {},
  decode: (result) => result,
  render: (config) => renderConfig(config),
  toJson: maskSecrets,
});

export function run(argv: readonly string[], io: CommandIo): Promise<number> {
  return command(argv, io);
}
