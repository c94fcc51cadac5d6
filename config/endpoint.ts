/** Host names, addresses and `host:port` endpoints as the config writes them. */
import { isIP, isIPv6 } from 'node:net';

export interface HostPort {
  /** Without brackets, ready for net.connect ("::1", "10.0.0.11", "printer-01.local"). */
  host: string;
  port: number;
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS host name (RFC 1123) or an IPv4/IPv6 address (IPv6 without brackets). */
export function isHostOrAddress(text: string): boolean {
  if (isIP(text) !== 0) return true;
  // Dotted digits that are not an IPv4 address (10.0.0.999) are a typo, not a host name.
  if (/^[\d.]+$/.test(text)) return false;
  return text.length <= 253 && text.split('.').every((label) => HOST_LABEL.test(label));
}

/** Splits `host:port` (`[v6]:port` for IPv6); undefined when it is not one, or the port is not 1..65535. */
export function parseHostPort(text: string): HostPort | undefined {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text);
  const plain = /^([^:[\]]+):(\d{1,5})$/.exec(text);
  const host = bracketed?.[1] ?? plain?.[1];
  const portText = bracketed?.[2] ?? plain?.[2];
  if (host === undefined || portText === undefined) return undefined;
  if (bracketed ? !isIPv6(host) : !isHostOrAddress(host)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  return { host, port };
}
