/** Every limit of the AlwaysOn codec, in one place (STYLE.md). Defaults are the SDK's (PROTOCOLS.md §3). */
export interface AlwaysOnCodecLimits {
  /** Bytes of one chunk as sent; must match the server's setting (the SDK's 8192). Also sent as Max-Frame-Size. */
  chunkSize: number;
  /** Bytes of one whole message; a multipart message is refused when chunkCount × chunkSize exceeds this. */
  maxMessageBytes: number;
  /** Bytes of one string (the SDK caps strings at 1 MiB). */
  maxStringBytes: number;
  /** InfoTables nested in InfoTables (the property push needs 2). */
  maxInfoTableDepth: number;
  /** Fields of a DataShape and values of a row (the SDK writes the count in one byte). */
  maxFields: number;
  /** Rows of one InfoTable. */
  maxRows: number;
  /** Aspects of one DataShape field. */
  maxAspects: number;
  /** Things in one BIND/UNBIND. */
  maxBindNames: number;
  /** Request headers (read and dropped) and AUTH claims. */
  maxHeaders: number;
  /** Multipart messages being reassembled at once. */
  maxPartialMessages: number;
}
