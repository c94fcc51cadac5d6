/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Pure.
 * The header comes from a server we do not control, so it is length-capped and the delay is capped:
 * a hostile or confused server must not park the uplink for days.
 */

/** Longer values are not a delay anyone meant. */
const MAX_HEADER_CHARS = 64;
/** The three HTTP-date forms all start with a day name (IMF-fixdate, RFC 850, asctime). */
const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;
const DELAY_SECONDS = /^\d{1,10}$/;

/**
 * The delay in ms the server asked for, clamped to [0, maxMs]; undefined when absent or unreadable.
 * `nowMs` is the client's clock when the response arrived (for the HTTP-date form).
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number, maxMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value.length === 0 || value.length > MAX_HEADER_CHARS) return undefined;
  if (DELAY_SECONDS.test(value)) return Math.min(Number(value) * 1000, maxMs);
  if (!HTTP_DATE_START.test(value)) return undefined;
  const at = Date.parse(value);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(at - nowMs, 0), maxMs);
}
