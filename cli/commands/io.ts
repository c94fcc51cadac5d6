/** What a control command writes to and knows about its terminal; passed in so tests run commands in-process. */

export interface TextSink {
  write(text: string): unknown;
}

export interface CommandIo {
  stdout: TextSink;
  stderr: TextSink;
  /** stdout is a terminal: colour (unless NO_COLOR) and in-place redraw for --watch. */
  isTTY: boolean;
  /** For NO_COLOR and TERM; process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** Ends `--watch`; Ctrl-C (SIGINT) when absent. */
  signal?: AbortSignal;
  /** The terminal's size now (it may change between frames); absent or undefined when not a terminal. */
  screen?(): { columns: number; rows: number } | undefined;
}

export function processCommandIo(): CommandIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    screen: () => (process.stdout.isTTY ? { columns: process.stdout.columns, rows: process.stdout.rows } : undefined),
  };
}
