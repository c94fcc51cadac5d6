/**
 * A short, printable excerpt of a response body for an outcome's `detail`. Pure.
 * Response bodies are untrusted (an HTML error page, a proxy's page, or anything a hostile server
 * sends): only the start is kept, markup and control characters are removed, and any secret the
 * server might echo back (the app key) is masked before the text can reach a log line.
 */

const MARKUP = /<[^>]{0,512}>/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const NON_PRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\ufeff]+/g;
const SPACES = /\s+/g;
/** Bytes decoded per character kept: room for multi-byte text and markup that is stripped. */
const BYTES_PER_KEPT_CHAR = 8;

function mask(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length > 0) masked = masked.split(secret).join('[REDACTED]');
  }
  return masked;
}

/** At most `maxChars` characters of readable text from the start of `body`, secrets masked. */
export function responseExcerpt(body: Uint8Array, maxChars: number, secrets: readonly string[] = []): string {
  // Decoding a bounded prefix keeps the cost bounded whatever the body's size.
  const prefixBytes = Math.min(body.byteLength, maxChars * BYTES_PER_KEPT_CHAR);
  let raw = Buffer.from(body.buffer, body.byteOffset, prefixBytes).toString('utf8');
  if (prefixBytes < body.byteLength) {
    // A secret cut in half at the prefix's end would escape masking: drop that tail.
    const longest = secrets.reduce((max, s) => Math.max(max, s.length), 0);
    raw = raw.slice(0, Math.max(0, raw.length - longest));
  }
  // Masked before and after cleaning: removing markup could otherwise join a secret's pieces.
  const text = mask(mask(raw, secrets).replace(MARKUP, ' ').replace(NON_PRINTABLE, ' ').replace(SPACES, ' ').trim(), secrets);
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
