/** What travels on the control socket: one request line, one reply line. */

export const CONTROL_COMMANDS = ['status', 'printers', 'uplink', 'metrics', 'config', 'events', 'restart', 'ping'] as const;
export type ControlCommand = (typeof CONTROL_COMMANDS)[number];

/**
 * Commands that change the daemon rather than look at it: answered only on the admin socket
 * (0600: the daemon's user and root), refused on the read-only one the group may use.
 */
export const ADMIN_COMMANDS: readonly ControlCommand[] = ['restart'];

export function isAdminCommand(cmd: ControlCommand): boolean {
  return ADMIN_COMMANDS.includes(cmd);
}

/** What a control socket accepts: views and ping only, or everything. */
export type ControlAccess = 'read-only' | 'admin';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Chosen by the client and echoed in the reply: a string or a non-negative safe integer. */
export type ControlRequestId = string | number;

export interface RestartArgs {
  /** Registry path of the actor (or subtree) to restart, e.g. "adapter/fleet/p01". */
  path: string;
}

/** The arguments each command takes; commands without arguments accept none. */
export type ControlRequest =
  | { id: ControlRequestId; cmd: 'restart'; args: RestartArgs }
  | { id: ControlRequestId; cmd: Exclude<ControlCommand, 'restart'> };

export interface ControlErrorBody {
  code: string;
  message: string;
}

/** `id` is null when the request was too broken to read its id. */
export type ControlReply =
  | { id: ControlRequestId | null; ok: true; result: JsonValue }
  | { id: ControlRequestId | null; ok: false; error: ControlErrorBody };
