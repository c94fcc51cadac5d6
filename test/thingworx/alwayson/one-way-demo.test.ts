/**
 * One way, end to end: the demo (simulated printers, the real adapter, the stand-in) with transport alwayson. Once the
 * printers' Things are bound, ThingWorx calls the edge to write a property, call a service and fetch a file on every
 * printer's Thing: each is refused with FORBIDDEN, and the printers hear nothing but the read-only ops they always hear.
 */
import test from 'ava';
import { UPLINK_PATH } from '../../../actors/paths.js';
import { READ_ONLY_OPS } from '../../../protocols/printer/ops.js';
import { Code } from '../../../protocols/thingworx/alwayson/wire.js';
import { startDemo } from '../../../sim/demo.js';
import { until } from '../../support/until.js';

const waitFor = (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> =>
  until(condition, { what, timeoutMs, everyMs: 50 });

test('ThingWorx writes, calls a service and asks for a file over AlwaysOn: refused, nothing reaches a printer', async (t) => {
  const demo = await startDemo({ printers: 3, seed: 16, transport: 'alwayson' });
  t.teardown(() => demo.stop());
  const things = demo.config.printers.map((printer) => printer.thing);
  const status = () => demo.daemon.tree.registry.ask(UPLINK_PATH, { type: 'Describe' }, 2_000);
  await waitFor('the printers bound', async () => {
    const bound = (await status()).transportSession?.boundThings ?? [];
    return things.every((thing) => bound.includes(thing));
  });
  t.is((await status()).transportSession?.transport, 'alwayson');

  const opsBefore = new Map(
    demo.config.printers.map((printer) => [printer.id, demo.fleet.printer(printer.id)?.pip.stats().opsReceived.length ?? 0]),
  );
  for (const thing of things) {
    const calls = [
      {
        kind: 'request',
        method: 'PUT',
        entityType: 0x0a,
        entity: thing,
        characteristic: 1,
        name: 'TargetTemperature',
        params: {
          fields: [{ name: 'TargetTemperature', description: '', baseType: 'NUMBER', aspects: [] }],
          rows: [[{ type: 'NUMBER', value: 250 }]],
        },
      },
      { kind: 'request', method: 'POST', entityType: 0x0a, entity: thing, characteristic: 2, name: 'StartJob' },
      { kind: 'request', method: 'POST', entityType: 0x0a, entity: thing, characteristic: 2, name: 'GetFile' },
      { kind: 'request', method: 'DELETE', entityType: 0x0a, entity: thing, characteristic: 1, name: 'Layer' },
    ] as const;
    for (const call of calls) {
      const answer = await demo.standIn.alwaysOn.callEdge(
        thing,
        structuredClone(call) as Parameters<typeof demo.standIn.alwaysOn.callEdge>[1],
      );
      t.is(answer.header.code, Code.FORBIDDEN, `${call.method} ${call.name} on ${thing}`);
    }
  }
  // Anything the calls set off would go out at once; the next polls go out after it. So once every printer has
  // heard two more ops (the path to it is live and has carried what followed the calls), look at what they heard.
  const opsAfterCalls = new Map(
    demo.config.printers.map((printer) => [printer.id, demo.fleet.printer(printer.id)?.pip.stats().opsReceived.length ?? 0]),
  );
  await waitFor('two more ops heard by every printer', () =>
    demo.config.printers.every(
      (printer) => (demo.fleet.printer(printer.id)?.pip.stats().opsReceived.length ?? 0) >= (opsAfterCalls.get(printer.id) ?? 0) + 2,
    ),
  );
  for (const printer of demo.config.printers) {
    const ops = demo.fleet.printer(printer.id)?.pip.stats().opsReceived ?? [];
    const since = ops.slice(opsBefore.get(printer.id) ?? 0);
    t.true(
      since.every((op) => (READ_ONLY_OPS as readonly string[]).includes(op)),
      `${printer.id} heard only read-only ops: ${[...new Set(since)].join(', ')}`,
    );
  }
  t.false(
    demo.standIn.records.some((record) => record.name === 'TargetTemperature' && record.value === 250),
    'the written value went nowhere',
  );
});
