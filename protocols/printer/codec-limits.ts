/** Every size limit of the PIP/1 codec, in one place (PROTOCOLS.md §5 fixes the line cap). */
export const PIP_CODEC_LIMITS = Object.freeze({
  /** Bytes in one line, newline excluded. */
  maxLineBytes: 64 * 1024,
  /** Characters in identity strings (model, serial, firmware) and job ids. */
  maxIdentityLength: 128,
  /** Characters in a string sensor value. */
  maxTextValueLength: 256,
  /** Characters in an error reply's message. */
  maxErrorMessageLength: 1024,
  /** Entries in a sensors or consumables result. */
  maxItems: 256,
  /** Largest layer count a job may report. */
  maxLayers: 10_000_000,
});

export type PipCodecLimits = typeof PIP_CODEC_LIMITS;
