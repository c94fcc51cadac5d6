import type { Body, InfoTable } from './message.js';
import { Characteristic, Code } from './wire.js';

/**
 * What the adapter answers when ThingWorx calls it over the session (PROTOCOLS.md §3: after BIND the server may call
 * the edge). The adapter is one-way: it answers GetMetadata minimally, refuses anything that would write a property,
 * call a service or move a file with FORBIDDEN, and has no handler (NOT_FOUND) for reads of what it does not keep.
 * Nothing here can reach a printer: the answer is all that happens. Pure.
 */

export type EdgeAnswer =
  | { kind: 'metadata'; code: typeof Code.SUCCESS; result: InfoTable }
  | { kind: 'refused'; code: typeof Code.FORBIDDEN; reason: string; what: string }
  | { kind: 'no-handler'; code: typeof Code.NOT_FOUND; reason: string }
  | { kind: 'bad-request'; code: typeof Code.BAD_REQUEST; reason: string };

const METADATA_SERVICE = 'GetMetadata';

/** The smallest metadata a Thing can describe itself with: no properties, services or events of its own at the edge. */
export function minimalMetadata(thing: string): InfoTable {
  const json = JSON.stringify({
    name: thing,
    description: '3D Connect adapter: values are pushed from the edge; nothing is writable from the server',
    isSystemObject: false,
    propertyDefinitions: {},
    serviceDefinitions: {},
    eventDefinitions: {},
  });
  return { fields: [{ name: 'result', description: '', baseType: 'JSON', aspects: [] }], rows: [[{ type: 'JSON', value: json }]] };
}

export function answerServerMessage(body: Body): EdgeAnswer {
  if (body.kind !== 'request')
    return { kind: 'bad-request', code: Code.BAD_REQUEST, reason: `the edge does not take ${body.kind} messages` };
  const what = `${body.method} ${body.entity} ${characteristicName(body.characteristic)} ${body.name}`;
  if (
    body.characteristic === Characteristic.SERVICES &&
    body.name === METADATA_SERVICE &&
    (body.method === 'GET' || body.method === 'POST')
  ) {
    return { kind: 'metadata', code: Code.SUCCESS, result: minimalMetadata(body.entity) };
  }
  if (body.method === 'GET' && body.characteristic !== Characteristic.SERVICES) {
    return { kind: 'no-handler', code: Code.NOT_FOUND, reason: 'the adapter keeps no readable properties at the edge' };
  }
  // PUT/DELETE (a property write), POST/GET of any other service (file transfer included), an event: one-way edge.
  return { kind: 'refused', code: Code.FORBIDDEN, reason: 'the 3D Connect adapter is one-way: writes and service calls are refused', what };
}

function characteristicName(characteristic: number): string {
  switch (characteristic) {
    case Characteristic.PROPERTIES:
      return 'property';
    case Characteristic.SERVICES:
      return 'service';
    case Characteristic.EVENTS:
      return 'event';
    default:
      return `characteristic ${characteristic}`;
  }
}
