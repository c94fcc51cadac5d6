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
  | 'TREE_NOT_RUNNING'
  | 'INVALID_TRANSITION';

/**
 * The one coded error of the adapter: a stable `code` that logs, tests and operators key on, and the context a
 * reader needs (which printer, which connection, which limit), copied and frozen so no handler changes what was
 * raised. Each family subclasses it with its own code union and name. It lives here, in a file that imports
 * nothing, so protocols/, actors/, config/ and sim/ may all use it; describeError below reads its code.
 */
export abstract class CodedError<Code extends string, Context extends object = Record<string, unknown>> extends Error {
  readonly code: Code;
  readonly context: Readonly<Context>;

  constructor(code: Code, message: string, ...[context, options]: ContextArguments<Context>) {
    super(message, options);
    this.code = code;
    this.context = Object.freeze({ ...context }) as Readonly<Context>;
  }
}

/** The context may be left out when none of its fields is required. */
type ContextArguments<Context> =
  Partial<Context> extends Context ? [context?: Context, options?: ErrorOptions] : [context: Context, options?: ErrorOptions];

/** Context of plain values only, for errors raised while reading untrusted bytes: which connection, limit, frame. */
export type PlainErrorContext = Record<string, string | number | boolean | undefined>;

/**
 * A size or count over its limit, named after the limit so the log says which one. Each wire family raises it with
 * its own class and code, e.g. `overLimit(LumberjackError, 'LJ_ERR_EVENT_TOO_LARGE', 'maxEventBytes', length, max)`.
 */
export function overLimit<Code extends string, E>(
  ErrorClass: new (code: Code, message: string, context: PlainErrorContext) => E,
  code: Code,
  limit: string,
  value: number,
  max: number,
): E {
  return new ErrorClass(code, `${limit} exceeded: ${value} > ${max}`, { limit, value, max });
}

/** Context: which actor, which limit. */
export class SupervisionError extends CodedError<SupervisionErrorCode> {
  override readonly name = 'SupervisionError';
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
