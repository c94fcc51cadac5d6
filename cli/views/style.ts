/** Colour on a terminal only: never in a pipe or a file, never with NO_COLOR set, never on a dumb terminal. */

export type Tone = 'plain' | 'good' | 'warn' | 'bad' | 'dim' | 'strong';

export interface Style {
  readonly colour: boolean;
  paint(text: string, tone: Tone): string;
}

export interface ColourSetting {
  isTTY: boolean;
  env?: NodeJS.ProcessEnv;
}

/** https://no-color.org: NO_COLOR present and not empty turns colour off. */
export function colourEnabled({ isTTY, env = {} }: ColourSetting): boolean {
  if (!isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

const SGR: Record<Exclude<Tone, 'plain'>, [open: string, close: string]> = {
  good: ['\x1b[32m', '\x1b[39m'],
  warn: ['\x1b[33m', '\x1b[39m'],
  bad: ['\x1b[31m', '\x1b[39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  strong: ['\x1b[1m', '\x1b[22m'],
};

export function createStyle(colour: boolean): Style {
  return {
    colour,
    paint(text, tone) {
      if (!colour || tone === 'plain' || text === '') return text;
      const [open, close] = SGR[tone];
      return `${open}${text}${close}`;
    },
  };
}

export const PLAIN_STYLE: Style = createStyle(false);
