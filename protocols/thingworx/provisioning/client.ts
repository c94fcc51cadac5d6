import type { Logger } from '../../../config/logging.js';
import { type ExchangeResult, exchange, type InFlight } from '../http-exchange.js';
import { createThingworxAgent, type RestTlsOptions } from '../https-agent.js';
import { responseExcerpt } from '../response-excerpt.js';
import { parseBaseUrl } from '../rest-transport.js';
import type { DesiredModel } from './desired-model.js';
import { ObservedDecodeError, observe } from './observed.js';
import type { ObservedState } from './planner.js';
import type { ProvisionCall, ProvisionRead } from './services.js';
import { PROVISIONING_CLIENT_DEFAULTS, REST_TRANSPORT_DEFAULTS } from '../../../config/defaults.js';

/**
 * The I/O edge of provisioning: reads what ThingWorx holds and sends the planned calls, one at a time, over the same
 * agent and TLS settings as the uplink (https-agent.ts). The administrator's app key goes in the `appKey` header only.
 */

export type ProvisionErrorCode = 'TWX_PROVISION_UNREACHABLE' | 'TWX_PROVISION_REFUSED' | 'TWX_PROVISION_UNEXPECTED';

export class ProvisionError extends Error {
  constructor(
    readonly code: ProvisionErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}

export interface ProvisioningClientOptions {
  baseUrl: string;
  /** The administrator's key (never the adapter's runtime key). */
  appKey: string;
  tls?: RestTlsOptions;
  allowInsecureHttp?: boolean;
  requestTimeoutMs?: number;
  logger: Logger;
}

export interface ProvisioningClient {
  /** What ThingWorx holds of the desired entities. Throws ProvisionError. */
  observe(desired: DesiredModel): Promise<ObservedState>;
  /** Sends one call; throws ProvisionError when ThingWorx refuses it or does not answer. */
  execute(call: ProvisionCall): Promise<void>;
  close(): void;
}

export function createProvisioningClient(options: ProvisioningClientOptions): ProvisioningClient {
  const { url, pathPrefix } = parseBaseUrl(options.baseUrl, options.allowInsecureHttp === true);
  const agent = createThingworxAgent(
    url,
    options.tls ?? {},
    { maxSockets: 1, idleSocketTimeoutMs: REST_TRANSPORT_DEFAULTS.idleSocketTimeoutMs },
    options.logger,
  );
  const limits = {
    timeoutMs: options.requestTimeoutMs ?? PROVISIONING_CLIENT_DEFAULTS.requestTimeoutMs,
    maxResponseBytes: PROVISIONING_CLIENT_DEFAULTS.maxResponseBytes,
  };
  const inFlight = new Set<InFlight>();
  const secrets = [options.appKey];

  const send = (method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<ExchangeResult> => {
    const bytes = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    return exchange(
      {
        url,
        method,
        path: `${pathPrefix}${path}`,
        headers: {
          appKey: options.appKey,
          Accept: 'application/json',
          ...(bytes ? { 'Content-Type': 'application/json', 'Content-Length': String(bytes.byteLength) } : {}),
        },
        ...(bytes ? { body: bytes } : {}),
      },
      agent,
      limits,
      inFlight,
    );
  };

  const failure = (what: string, result: ExchangeResult): ProvisionError => {
    if (!result.ok) {
      const code = (result.error as NodeJS.ErrnoException).code ?? result.error.name;
      return new ProvisionError('TWX_PROVISION_UNREACHABLE', `${what}: no answer from ThingWorx (${code})`);
    }
    const detail = responseExcerpt(result.body, PROVISIONING_CLIENT_DEFAULTS.maxDetailChars, secrets);
    const refused = result.status === 401 || result.status === 403;
    return new ProvisionError(
      refused ? 'TWX_PROVISION_REFUSED' : 'TWX_PROVISION_UNEXPECTED',
      `${what}: HTTP ${result.status}${detail ? ` ${detail}` : ''}`,
      result.status,
    );
  };

  const readJson = async (read: ProvisionRead, what: string): Promise<unknown | undefined> => {
    const result = await send(read.method, read.path, read.body);
    if (result.ok && result.status === 404) return undefined;
    if (!result.ok || result.status !== 200) throw failure(what, result);
    if (result.truncated) throw new ProvisionError('TWX_PROVISION_UNEXPECTED', `${what}: answer over ${limits.maxResponseBytes} bytes`);
    try {
      return JSON.parse(result.body.toString('utf8'));
    } catch {
      throw new ProvisionError('TWX_PROVISION_UNEXPECTED', `${what}: the answer is not JSON`);
    }
  };
  return {
    async observe(desired) {
      try {
        return await observe(desired, readJson);
      } catch (error) {
        if (error instanceof ObservedDecodeError) throw new ProvisionError('TWX_PROVISION_UNEXPECTED', error.message);
        throw error;
      }
    },

    async execute(call) {
      const result = await send(call.method, call.path, call.body);
      if (!result.ok || result.status < 200 || result.status > 299) throw failure(`${call.service} ${call.entity}`, result);
    },

    close() {
      for (const request of inFlight) request.abort(new Error('provisioning client closed'));
      agent.destroy();
    },
  };
}
