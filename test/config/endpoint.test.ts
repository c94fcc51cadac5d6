import test from 'ava';
import { isHostOrAddress, parseHostPort } from '../../config/endpoint.js';

test('host:port splits into a host ready for net.connect and a port', (t) => {
  t.deepEqual(parseHostPort('10.0.0.11:7070'), { host: '10.0.0.11', port: 7070 });
  t.deepEqual(parseHostPort('printer-01.hall3.example.com:1'), { host: 'printer-01.hall3.example.com', port: 1 });
  t.deepEqual(parseHostPort('[::1]:7070'), { host: '::1', port: 7070 });
  t.deepEqual(parseHostPort('[fd00::13]:65535'), { host: 'fd00::13', port: 65535 });
});

test('anything else is not an endpoint', (t) => {
  for (const text of [
    '10.0.0.11',
    '::1:7070',
    '[::1]',
    '[printer]:1',
    'host:0',
    'host:65536',
    'host:123456',
    'a b:1',
    '-host:1',
    'host.:1',
    '10.0.0.256:1',
    ':7070',
    'host:',
    'host:7070/x',
  ]) {
    t.is(parseHostPort(text), undefined, text);
  }
});

test('bind hosts are names or addresses, IPv6 without brackets', (t) => {
  for (const host of ['0.0.0.0', '127.0.0.1', '::', '::1', 'localhost', 'edge-01.local']) t.true(isHostOrAddress(host), host);
  for (const host of ['[::1]', 'a b', '10.0.0.999', 'host_1', '', 'x'.repeat(64)]) t.false(isHostOrAddress(host), host);
});
