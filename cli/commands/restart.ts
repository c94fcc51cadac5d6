/** `3dconnect restart PATH`: the actor's supervisor restarts it (and its subtree), as if it had died. */
import { adminSocketPathFor } from '../../protocols/control/socket-file.js';
import { decodeRestart } from '../views/decode.js';
import { type CallFailure, callDaemon, replyFailure } from './daemon-call.js';
import { COMMAND_EXIT } from './exit-codes.js';
import { helpText } from './help.js';
import type { CommandIo } from './io.js';
import { prepare, reportFailure } from './view-command.js';

export const SUMMARY = 'restart one actor or subtree through its supervisor';
export const USAGE = 'usage: 3dconnect restart PATH [--json] [--socket PATH]';
export const HELP = helpText(USAGE.slice('usage: '.length), [
  'Asks the supervisor of the actor at PATH (as `3dconnect status` lists it) to restart it, with its',
  'children if it has any. Use it for a stuck printer. The restart counts like any other in the',
  'restart columns of `status`. An unknown PATH exits 64.',
  '',
  'Restart goes to the admin socket next to the control socket (--socket control.sock: control-admin.sock),',
  "which only the daemon's user and root may use; members of its group may look (status …) but not restart.",
]);

/** The group may reach the read-only socket but not the admin one: say so, and how to do it instead. */
function adminDenied(adminSocket: string, path: string, failure: CallFailure): CallFailure {
  return {
    ...failure,
    lines: [
      `not allowed to use the admin socket ${adminSocket}: restart is for the daemon's user and root only (its group may only look)`,
      `run it as root or as the daemon's user, e.g.: sudo 3dconnect restart ${path}`,
    ],
  };
}

export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const prepared = prepare(argv, io, { name: 'restart', help: HELP, usage: USAGE, rules: { positionals: ['PATH'] } });
  if ('code' in prepared) return prepared.code;
  const { options } = prepared;
  const path = options.positionals[0] ?? '';
  const adminSocket = adminSocketPathFor(options.socketPath);
  const outcome = await callDaemon(adminSocket, 'restart', { path });
  if (!outcome.ok) {
    const { failure } = outcome;
    return reportFailure(io, 'restart', failure.code === 'CONTROL_PERMISSION_DENIED' ? adminDenied(adminSocket, path, failure) : failure);
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
    return COMMAND_EXIT.ok;
  }
  try {
    const result = decodeRestart(outcome.result);
    if (!result.accepted) {
      io.stderr.write(`3dconnect restart: ${result.path} was not restarted: ${result.reason ?? 'refused by the daemon'}\n`);
      return COMMAND_EXIT.usage;
    }
    io.stdout.write(`restart requested: ${result.path}\n`);
    return COMMAND_EXIT.ok;
  } catch (error) {
    return reportFailure(io, 'restart', replyFailure(error));
  }
}
