/** `--watch`: redraw a view in place on an interval until Ctrl-C. */
import { setTimeout as sleep } from 'node:timers/promises';

export const WATCH_DEFAULTS = {
  intervalMs: 2_000,
  /** Shortest interval accepted from the command line. */
  minIntervalMs: 200,
} as const;

export const ANSI = {
  home: '\x1b[H',
  clearScreen: '\x1b[2J',
  clearToLineEnd: '\x1b[K',
  clearToScreenEnd: '\x1b[J',
  hideCursor: '\x1b[?25l',
  showCursor: '\x1b[?25h',
} as const;

/**
 * One redraw: cursor home, every line overwritten and cleared to its end, and whatever a taller
 * previous frame left below wiped, so the screen never flickers blank. The first frame clears the screen.
 */
export function redrawFrame(text: string, first: boolean): string {
  const lines = text.split('\n');
  const body = lines.map((line, index) =>
    index === lines.length - 1 ? `${line}${ANSI.clearToLineEnd}${ANSI.clearToScreenEnd}` : `${line}${ANSI.clearToLineEnd}`,
  );
  return `${first ? `${ANSI.clearScreen}` : ''}${ANSI.home}${body.join('\n')}\n`;
}

export interface WatchOptions {
  intervalMs: number;
  /** Builds one frame; it should turn its own failures into text (the daemon may come and go). */
  render(): Promise<string>;
  write(text: string): void;
  /** Redraw in place with ANSI codes (a terminal) or print frame after frame (a pipe). */
  inPlace: boolean;
  /** Stops the loop. */
  signal: AbortSignal;
}

/** Resolves once `signal` aborts; the frame being built then is still drawn, then the cursor is restored. */
export async function watch(options: WatchOptions): Promise<void> {
  const { signal, inPlace, write } = options;
  if (inPlace) write(ANSI.hideCursor);
  try {
    for (let first = true; !signal.aborted; first = false) {
      const frame = await options.render();
      write(inPlace ? redrawFrame(frame, first) : `${frame}\n`);
      try {
        await sleep(options.intervalMs, undefined, { signal });
      } catch {
        // Aborted while waiting: the loop condition ends it.
      }
    }
  } finally {
    if (inPlace) write(ANSI.showCursor);
  }
}

/** An AbortSignal that fires on Ctrl-C (SIGINT) instead of the process dying; `release` removes the handler. */
export function stopOnInterrupt(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, release: () => process.off('SIGINT', onInterrupt) };
}
