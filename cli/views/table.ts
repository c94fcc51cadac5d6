/** Aligned columns: widths from the visible text, colour applied after padding so escapes never skew them. */
import type { Style, Tone } from './style.js';
import { displayWidth, terminalSafe, truncate } from './terminal-text.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Longer cells are cut with an ellipsis. */
  maxWidth?: number;
}

export interface Cell {
  text: string;
  tone?: Tone;
}

export type CellInput = Cell | string;

export const TABLE_LAYOUT = {
  /** Spaces between columns. */
  gap: 2,
} as const;

function toCell(input: CellInput, column: Column | undefined): Cell {
  const cell = typeof input === 'string' ? { text: input } : input;
  const safe = terminalSafe(cell.text);
  const text = column?.maxWidth === undefined ? safe : truncate(safe, column.maxWidth);
  return { text, ...(cell.tone === undefined ? {} : { tone: cell.tone }) };
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? `${fill}${text}` : `${text}${fill}`;
}

/** One line per row, the header first (omitted when `header` is false). */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly CellInput[])[],
  style: Style,
  options: { header?: boolean } = {},
): string[] {
  const withHeader = options.header ?? true;
  const cells = rows.map((row) => columns.map((column, index) => toCell(row[index] ?? '', column)));
  const widths = columns.map((column, index) =>
    Math.max(withHeader ? displayWidth(column.header) : 0, ...cells.map((row) => displayWidth(row[index]?.text ?? ''))),
  );
  const gap = ' '.repeat(TABLE_LAYOUT.gap);
  const line = (row: readonly Cell[], headerRow: boolean) => {
    const parts = row.map((cell, index) => {
      const align = columns[index]?.align ?? 'left';
      // No padding after the last column: a line never ends in spaces, coloured or not.
      const width = index === row.length - 1 && align === 'left' ? 0 : (widths[index] ?? 0);
      return style.paint(pad(cell.text, width, align), headerRow ? 'strong' : (cell.tone ?? 'plain'));
    });
    return parts.join(gap).replace(/ +$/, '');
  };
  const header = columns.map((column) => ({ text: column.header }));
  return [...(withHeader ? [line(header, true)] : []), ...cells.map((row) => line(row, false))];
}
