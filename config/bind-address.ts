/**
 * What a listener's bind host covers, to tell before start-up whether two listeners on the same port
 * would collide. Linux rules: `0.0.0.0` takes the port on every IPv4 address; `::` takes it on every
 * IPv6 address and, dual-stack as Node binds it, every IPv4 address too.
 */
import { BlockList, isIP } from 'node:net';

export type BindScope =
  /** `::`: every address of both families. */
  | { kind: 'every-address' }
  /** `0.0.0.0`: every IPv4 address. */
  | { kind: 'every-ipv4' }
  | { kind: 'address'; family: 'ipv4' | 'ipv6'; address: string }
  /** A name, resolved at listen time: `localhost` is one of the loopback addresses, any other name is unknown here. */
  | { kind: 'name'; name: string };

const LOOPBACK = ['127.0.0.1', '::1'];

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 4 ? 'ipv4' : 'ipv6';
}

function holds(range: BlockList, address: string): boolean {
  return range.check(address, familyOf(address));
}

function rangeOf(address: string): BlockList {
  const range = new BlockList();
  range.addAddress(address, familyOf(address));
  return range;
}

const UNSPECIFIED_IPV6 = rangeOf('::');
/** IPv4 rules also match IPv4-mapped IPv6 addresses (`::ffff:0.0.0.0`). */
const UNSPECIFIED_IPV4 = rangeOf('0.0.0.0');
const IPV4_MAPPED = (() => {
  const range = new BlockList();
  range.addSubnet('::ffff:0:0', 96, 'ipv6');
  return range;
})();

export function bindScope(host: string): BindScope {
  if (isIP(host) === 0) return { kind: 'name', name: host.toLowerCase() };
  if (holds(UNSPECIFIED_IPV6, host)) return { kind: 'every-address' };
  if (holds(UNSPECIFIED_IPV4, host)) return { kind: 'every-ipv4' };
  return { kind: 'address', family: familyOf(host), address: host };
}

/** True when the host listens on every interface (of one family or both). */
export function bindsEveryInterface(host: string): boolean {
  const scope = bindScope(host);
  return scope.kind === 'every-address' || scope.kind === 'every-ipv4';
}

/** Two spellings of one address (`::1` and `0:0::1`, `127.0.0.1` and `::ffff:127.0.0.1`). */
function sameAddress(a: string, b: string): boolean {
  return holds(rangeOf(a), b) || holds(rangeOf(b), a);
}

/** Whether the scope may hold an IPv4 address (an IPv4 or IPv4-mapped address, or a name). */
function mayBeIpv4(scope: BindScope): boolean {
  if (scope.kind === 'name') return true;
  if (scope.kind !== 'address') return true;
  return scope.family === 'ipv4' || holds(IPV4_MAPPED, scope.address);
}

/**
 * Whether listeners on these two hosts and one port would collide. Conservative only where the
 * answer depends on name resolution: `localhost` meets the loopback addresses; two other names meet
 * only when they are the same name.
 */
export function bindsOverlap(hostA: string, hostB: string): boolean {
  const a = bindScope(hostA);
  const b = bindScope(hostB);
  if (a.kind === 'every-address' || b.kind === 'every-address') return true;
  if (a.kind === 'every-ipv4') return mayBeIpv4(b);
  if (b.kind === 'every-ipv4') return mayBeIpv4(a);
  if (a.kind === 'address' && b.kind === 'address') return sameAddress(a.address, b.address);
  if (a.kind === 'name' && b.kind === 'name') return a.name === b.name;
  const [name, address] = a.kind === 'name' ? [a, b] : [b, a];
  return (
    name.kind === 'name' &&
    name.name === 'localhost' &&
    address.kind === 'address' &&
    LOOPBACK.some((loopback) => sameAddress(loopback, address.address))
  );
}
