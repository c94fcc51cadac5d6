import { LineSplitter as JsonLineSplitter } from '../json-lines/line-splitter.js';
import { PipError } from './errors.js';
import { PIP_CODEC_LIMITS } from '../../config/defaults.js';

/** PIP/1's line framing: at most 64 KiB a line, PIP_LINE_TOO_LONG past it. */
export class LineSplitter extends JsonLineSplitter<PipError> {
  constructor(maxLineBytes: number = PIP_CODEC_LIMITS.maxLineBytes) {
    super(
      maxLineBytes,
      (limitValue) => new PipError('PIP_LINE_TOO_LONG', 'line exceeds the size limit', { limit: 'maxLineBytes', limitValue }),
    );
  }
}
