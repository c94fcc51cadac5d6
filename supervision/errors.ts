/** Stable codes for every error the supervision layer raises or records. */
export type SupervisionErrorCode =
  | 'INVALID_CHILD_SPEC'
  | 'RESTART_INTENSITY_EXCEEDED'
  | 'START_TIMEOUT'
  | 'START_ABORTED'
  | 'CHILD_START_FAILED'
  | 'TREE_START_FAILED'
  | 'NOT_RUNNING'
  | 'ASK_TIMEOUT'
  | 'INJECTED_CRASH'
  | 'TREE_NOT_RUNNING';

export class SupervisionError extends Error {
  readonly code: SupervisionErrorCode;
  /** Which actor, which limit: what a reader of the log needs. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: SupervisionErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SupervisionError';
    this.code = code;
    this.context = context;
  }
}

/** What the registry keeps about an error: plain and serialisable. */
export interface ErrorInfo {
  message: string;
  code?: string;
}

/** Anything thrown becomes an ErrorInfo; a string `code` property is kept when present. */
export function describeError(thrown: unknown): ErrorInfo {
  if (thrown instanceof Error) {
    const code: unknown = (thrown as { code?: unknown }).code;
    return typeof code === 'string' ? { message: thrown.message, code } : { message: thrown.message };
  }
  return { message: typeof thrown === 'string' ? thrown : 'non-error value thrown' };
}
