/** `--watch`: redraw a view in place on an interval until Ctrl-C. */
import { setTimeout as sleep } from 'node:timers/promises';

export const ANSI = {
  home: '\x1b[H',
  clearScreen: '\x1b[2J',
  clearToLineEnd: '\x1b[K',
  clearToScreenEnd: '\x1b[J',
  hideCursor: '\x1b[?25l',
  showCursor: '\x1b[?25h',
  /** The terminal's alternate screen: what is drawn there leaves no trace in the scrollback. */
  enterAlternateScreen: '\x1b[?1049h',
  leaveAlternateScreen: '\x1b[?1049l',
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

/**
 * One redraw of a screen of `lines`: cursor home, each line cleared to its end, the rest of the screen
 * wiped after the last one. Each line ends in a newline (line-buffered writers pass it on at once), so
 * the caller gives at most one line fewer than the screen has rows: nothing ever scrolls.
 */
export function screenFrame(lines: readonly string[]): string {
  const body = lines.map((line, index) =>
    index === lines.length - 1 ? `${line}${ANSI.clearToLineEnd}${ANSI.clearToScreenEnd}\n` : `${line}${ANSI.clearToLineEnd}\n`,
  );
  return `${ANSI.home}${body.join('')}`;
}

export interface ScreenWatchOptions {
  intervalMs: number;
  /** One frame's lines; it should turn its own failures into lines (the daemon may come and go). */
  render(): Promise<string[]>;
  write(text: string): void;
  /** A terminal: the alternate screen, redrawn in place. Otherwise each frame's lines are printed as they are. */
  inPlace: boolean;
  signal: AbortSignal;
}

/**
 * Like `watch`, for a full-screen view: on a terminal it switches to the alternate screen (the frames
 * never pile up in the scrollback) and back when stopped; elsewhere it prints plain lines.
 */
export async function watchScreen(options: ScreenWatchOptions): Promise<void> {
  const { signal, inPlace, write } = options;
  if (inPlace) write(`${ANSI.enterAlternateScreen}${ANSI.hideCursor}${ANSI.clearScreen}`);
  try {
    while (!signal.aborted) {
      const lines = await options.render();
      write(inPlace ? screenFrame(lines) : lines.map((line) => `${line}\n`).join(''));
      try {
        await sleep(options.intervalMs, undefined, { signal });
      } catch {
        // Aborted while waiting: the loop condition ends it.
      }
    }
  } finally {
    if (inPlace) write(`${ANSI.showCursor}${ANSI.leaveAlternateScreen}`);
  }
}

/** An AbortSignal that fires on Ctrl-C (SIGINT) instead of the process dying; `release` removes the handler. */
export function stopOnInterrupt(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, release: () => process.off('SIGINT', onInterrupt) };
}
