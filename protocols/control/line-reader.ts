import { LineSplitter } from '../json-lines/line-splitter.js';
import { ControlError } from './errors.js';

/** The control socket's line framing: CONTROL_LINE_TOO_LONG past the cap. */
export class LineReader extends LineSplitter<ControlError> {
  constructor(maxLineBytes: number) {
    super(
      maxLineBytes,
      (limitValue) =>
        new ControlError('CONTROL_LINE_TOO_LONG', `line longer than ${limitValue} bytes`, { limit: 'maxLineBytes', limitValue }),
    );
  }
}
