/** Text from the daemon (error messages, printer names) made safe and measurable for a terminal. */

/** C0/C1 control characters, DEL: an ESC in a printer's error message must not drive the terminal. */
const CONTROL_CHARACTERS = /\p{Cc}/gu;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '?');
}

/** Width in terminal columns, counted in code points (the views hold no wide or combining characters of their own). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const _ of text) width += 1;
  return width;
}

/** At most `maxWidth` columns, with an ellipsis when cut. */
export function truncate(text: string, maxWidth: number): string {
  if (displayWidth(text) <= maxWidth) return text;
  return `${[...text].slice(0, Math.max(0, maxWidth - 1)).join('')}…`;
}
