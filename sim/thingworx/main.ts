import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '../../config/logging.js';
import { startThingworxStandIn } from './stand-in.js';

/**
 * The stand-in as a process for the demo and benchmarks:
 *   node --import tsx sim/thingworx/main.ts [--port 0] [--host 127.0.0.1] [--things p01,p02|any]
 *        [--cert server.crt --key server.key] [--seed 1]
 * The app key comes from TWX_SIM_APP_KEY; without it one is generated and printed once, since the
 * caller needs it (a throw-away key for a simulator, not a credential).
 * Prints one JSON line `{"url":…}` on stdout when listening (logs go to stderr); stops on SIGINT/SIGTERM.
 */
const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    things: { type: 'string', default: 'any' },
    cert: { type: 'string' },
    key: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});

const fromEnv = process.env.TWX_SIM_APP_KEY;
const appKey = fromEnv && fromEnv.length > 0 ? fromEnv : randomUUID();
if ((values.cert === undefined) !== (values.key === undefined)) {
  process.stderr.write('--cert and --key go together\n');
  process.exit(2);
}
const standIn = await startThingworxStandIn({
  appKey,
  host: values.host,
  port: Number(values.port),
  seed: Number(values.seed),
  things: values.things === 'any' ? 'any' : values.things.split(',').filter((thing) => thing.length > 0),
  tls: values.cert && values.key ? { cert: readFileSync(values.cert), key: readFileSync(values.key) } : undefined,
  // Logs go to stderr so stdout carries only the URL line.
  logger: createLogger({ destination: process.stderr }),
});
process.stdout.write(`${JSON.stringify(fromEnv ? { url: standIn.url } : { url: standIn.url, appKey })}\n`);

const shutdown = (): void => {
  standIn.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
