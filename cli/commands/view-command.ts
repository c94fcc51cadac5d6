/** The shape shared by status, printers, uplink, metrics and config: ask, decode, render (or print the JSON). */
import type { ControlCommand, JsonValue } from '../../protocols/control/messages.js';
import { colourEnabled, createStyle, type Style } from '../views/style.js';
import { stopOnInterrupt, watch } from '../views/watch.js';
import { type CallFailure, callDaemon, replyFailure } from './daemon-call.js';
import { COMMAND_EXIT } from './exit-codes.js';
import type { CommandIo } from './io.js';
import { type CommandOptions, type OptionRules, parseCommandOptions, UsageError, wantsHelp } from './options.js';

export interface ViewCommandSpec<T> {
  /** The CLI name, for messages ("3dconnect status: …"). */
  name: string;
  cmd: ControlCommand;
  /** Full --help text, ending in a newline. */
  help: string;
  usage: string;
  rules: OptionRules;
  decode(result: JsonValue): T;
  /** Text without a trailing newline. */
  render(snapshot: T, style: Style, options: CommandOptions): string;
  /** What --json prints; the raw result when absent. */
  toJson?(result: JsonValue): JsonValue;
}

export type CommandRun = (argv: readonly string[], io: CommandIo) => Promise<number>;

export function reportFailure(io: CommandIo, name: string, failure: CallFailure): number {
  for (const line of failure.lines) io.stderr.write(`3dconnect ${name}: ${line}\n`);
  return failure.exitCode;
}

export function reportUsage(io: CommandIo, name: string, usage: string, error: UsageError): number {
  io.stderr.write(`3dconnect ${name}: ${error.message}\n${usage}\n`);
  return COMMAND_EXIT.usage;
}

/** Parses argv, or answers --help / a usage error; `undefined` options mean "exit with `code`". */
export function prepare(
  argv: readonly string[],
  io: CommandIo,
  spec: { name: string; help: string; usage: string; rules: OptionRules },
): { options: CommandOptions } | { code: number } {
  if (wantsHelp(argv)) {
    io.stdout.write(spec.help);
    return { code: COMMAND_EXIT.ok };
  }
  try {
    return { options: parseCommandOptions(argv, spec.rules) };
  } catch (error) {
    if (error instanceof UsageError) return { code: reportUsage(io, spec.name, spec.usage, error) };
    throw error;
  }
}

export function viewCommand<T>(spec: ViewCommandSpec<T>): CommandRun {
  return async (argv, io) => {
    const prepared = prepare(argv, io, spec);
    if ('code' in prepared) return prepared.code;
    const { options } = prepared;
    const style = createStyle(colourEnabled({ isTTY: io.isTTY, env: io.env ?? process.env }));
    const frame = async (): Promise<{ text: string } | { failure: CallFailure }> => {
      const outcome = await callDaemon(options.socketPath, spec.cmd);
      if (!outcome.ok) return { failure: outcome.failure };
      try {
        if (options.json) {
          const json = spec.toJson ? spec.toJson(outcome.result) : outcome.result;
          // One line per frame when watching (JSON lines), indented otherwise.
          return { text: JSON.stringify(json, null, options.watch ? 0 : 2) };
        }
        return { text: spec.render(spec.decode(outcome.result), style, options) };
      } catch (error) {
        return { failure: replyFailure(error) };
      }
    };
    if (options.watch) return watchView(io, spec.name, options, style, frame);
    const result = await frame();
    if ('failure' in result) return reportFailure(io, spec.name, result.failure);
    io.stdout.write(`${result.text}\n`);
    return COMMAND_EXIT.ok;
  };
}

async function watchView(
  io: CommandIo,
  name: string,
  options: CommandOptions,
  style: Style,
  frame: () => Promise<{ text: string } | { failure: CallFailure }>,
): Promise<number> {
  const interrupt = io.signal === undefined ? stopOnInterrupt() : undefined;
  const signal = io.signal ?? interrupt?.signal;
  if (signal === undefined) return COMMAND_EXIT.software;
  // JSON lines for scripts; in-place redraw only for a person at a terminal.
  const inPlace = io.isTTY && !options.json;
  const heading = style.paint(`every ${options.intervalMs / 1000}s · Ctrl-C to stop`, 'dim');
  try {
    await watch({
      intervalMs: options.intervalMs,
      inPlace,
      signal,
      write: (text) => io.stdout.write(text),
      async render() {
        const result = await frame();
        if (options.json) return 'failure' in result ? JSON.stringify({ error: result.failure.lines.join(' ') }) : result.text;
        // The daemon may be restarting: show why there is nothing and keep trying.
        const body =
          'failure' in result
            ? style.paint(result.failure.lines.map((line) => `3dconnect ${name}: ${line}`).join('\n'), 'bad')
            : result.text;
        // Frames printed one after another (not a terminal) get a blank line between them.
        return `${heading}\n${body}${inPlace ? '' : '\n'}`;
      },
    });
  } finally {
    interrupt?.release();
  }
  return COMMAND_EXIT.ok;
}
