import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM material for one test run; files live in `dir` for code that wants paths. */
export interface TestPki {
  dir: string;
  caCert: string;
  caCertFile: string;
  serverCert: string;
  serverKey: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** Client certificate issued by the same CA, subject CN=<clientCn>. */
  clientCert: string;
  clientKey: string;
  clientCertFile: string;
  clientKeyFile: string;
  clientSubject: string;
  /** A second, unrelated CA: a client trusting only this must refuse the server. */
  otherCaCert: string;
  otherCaCertFile: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A fresh P-256 key, unencrypted, written to `<name>.key`: the first half of every request below. */
function newKey(name: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`];
}

function issueCa(dir: string, name: string): void {
  const extensions = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  openssl(dir, ['req', '-x509', ...newKey(name), '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`, ...extensions]);
}

function issueLeaf(dir: string, name: string, cn: string, ca: string, ext: string): void {
  openssl(dir, ['req', ...newKey(name), '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  const signedBy = ['-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial'];
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, ...signedBy, '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
}

/**
 * Generates a throw-away CA, a server certificate for localhost/127.0.0.1, a client certificate
 * and an unrelated CA with the openssl CLI (Debian's `openssl` package; .ci/run installs it). Used by the tests and by the demo, which runs the adapter against the stand-in over real TLS.
 */
export function createTestPki(clientCn = 'printer-01'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), '3dconnect-pki-'));
  issueCa(dir, 'ca');
  issueCa(dir, 'other-ca');
  issueLeaf(
    dir,
    'server',
    'localhost',
    'ca',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  issueLeaf(dir, 'client', clientCn, 'ca', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    caCert: read('ca.crt'),
    caCertFile: join(dir, 'ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    serverCertFile: join(dir, 'server.crt'),
    serverKeyFile: join(dir, 'server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
    clientSubject: `CN=${clientCn}`,
    otherCaCert: read('other-ca.crt'),
    otherCaCertFile: join(dir, 'other-ca.crt'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
