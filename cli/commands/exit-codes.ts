/** sysexits.h codes the control commands end with. */
export const COMMAND_EXIT = {
  ok: 0,
  /** EX_USAGE: wrong arguments, or the daemon refused the request's argument (an unknown actor path). */
  usage: 64,
  /** EX_UNAVAILABLE: no daemon at the socket, not allowed to reach it, or no answer in time. */
  unavailable: 69,
  /** EX_SOFTWARE: a protocol error or a reply that does not make sense. */
  software: 70,
  /** EX_CONFIG: the configuration is invalid, or (provision) ThingWorx disagrees with it in a way not changed unasked. */
  config: 78,
} as const;

export type CommandExitCode = (typeof COMMAND_EXIT)[keyof typeof COMMAND_EXIT];
