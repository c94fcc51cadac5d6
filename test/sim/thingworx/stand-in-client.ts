import http from 'node:http';
import https from 'node:https';

/** A bare HTTP(S) client for probing the stand-in: one connection per call, nothing added to the request. */
export interface Probe {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** For https: CA to trust, and an optional client certificate. */
  ca?: string;
  cert?: string;
  key?: string;
}

export type ProbeResult = { ok: true; status: number; headers: http.IncomingHttpHeaders; body: string } | { ok: false; code: string };

export function probe(baseUrl: string, request: Probe): Promise<ProbeResult> {
  const url = new URL(request.path, baseUrl);
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve) => {
    const req = send(url, {
      method: request.method ?? 'GET',
      headers: request.headers ?? {},
      agent: false,
      ...(request.ca ? { ca: request.ca } : {}),
      ...(request.cert ? { cert: request.cert, key: request.key } : {}),
    });
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error('probe timeout'), { code: 'PROBE_TIMEOUT' })),
      request.timeoutMs ?? 10_000,
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, code: error.code ?? error.message });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(request.body);
  });
}

export function statusOf(result: ProbeResult): number | string {
  return result.ok ? result.status : result.code;
}
