import http, { type Agent, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { CodedError } from '../../supervision/errors.js';

/**
 * One HTTP request/response over a keep-alive agent, reduced to the facts the outcome needs.
 * The I/O edge of the REST client: never rejects, bounds both time and the bytes it keeps.
 */

export interface ExchangeRequest {
  url: URL;
  method: 'GET' | 'POST';
  /** Path and nothing else: the app key never goes in a URL. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface ExchangeLimits {
  /** Deadline for the whole exchange: connect, TLS, request, status line. */
  timeoutMs: number;
  /** Bytes of the response body kept; past this the response is cut and its socket discarded. */
  maxResponseBytes: number;
}

export type ExchangeResult =
  | { ok: true; status: number; retryAfter: string | undefined; body: Buffer; truncated: boolean }
  | { ok: false; error: Error };

/** A failure raised by the exchange itself, with a stable code. */
export class ExchangeError extends CodedError<'TWX_TIMEOUT' | 'TWX_TRANSPORT_CLOSED'> {
  override readonly name = 'ExchangeError';
}

/** Lets the owner abort what is in flight (on close). */
export interface InFlight {
  abort(error: Error): void;
}

export function exchange(request: ExchangeRequest, agent: Agent, limits: ExchangeLimits, inFlight: Set<InFlight>): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    // Looked up per call (not a named import) so instrumentation such as nock sees every request.
    const send = request.url.protocol === 'https:' ? https.request : http.request;
    const req = send({
      agent,
      protocol: request.url.protocol,
      // URL keeps IPv6 literals in brackets; the socket layer wants them bare.
      hostname: request.url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: request.url.port || undefined,
      method: request.method,
      path: request.path,
      headers: request.headers,
    });
    let response: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let settled = false;
    const handle: InFlight = { abort: (error) => req.destroy(error) };

    const settle = (result: ExchangeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      inFlight.delete(handle);
      resolve(result);
    };
    // Once the status line is in, the server has decided: a body cut short does not change the outcome.
    const settleWithResponse = (): void => {
      if (!response) return;
      const retryAfter = response.headers['retry-after'];
      settle({ ok: true, status: response.statusCode ?? 0, retryAfter, body: Buffer.concat(chunks, kept), truncated });
    };
    const deadline = setTimeout(() => {
      const error = new ExchangeError('TWX_TIMEOUT', `no response within ${limits.timeoutMs} ms`);
      if (response) settleWithResponse();
      else settle({ ok: false, error });
      req.destroy(error);
    }, limits.timeoutMs);

    inFlight.add(handle);
    req.on('error', (error) => (response ? settleWithResponse() : settle({ ok: false, error })));
    req.on('response', (res) => {
      response = res;
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = limits.maxResponseBytes - kept;
        if (chunk.length <= room) {
          chunks.push(chunk);
          kept += chunk.length;
          return;
        }
        chunks.push(chunk.subarray(0, room));
        kept += room;
        truncated = true;
        settleWithResponse();
        res.destroy();
      });
      res.on('end', settleWithResponse);
      res.on('error', settleWithResponse);
      res.on('close', settleWithResponse);
    });
    req.end(request.body);
  });
}
