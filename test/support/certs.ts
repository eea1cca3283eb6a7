import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Certificates made at test time with openssl: a private CA, server certificates it signs (for
// 127.0.0.1 and the name sentry.test, expired, or for another host), and a self-signed one.
export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestCerts {
  dir: string;
  // The CA's certificate, as a file for SSL_CERT_FILE / NODE_EXTRA_CA_CERTS, and as text.
  caFile: string;
  // For 127.0.0.1 and sentry.test, signed by the CA.
  server: KeyPair;
  expired: KeyPair;
  // For other.test only.
  wrongHost: KeyPair;
  selfSigned: KeyPair;
  cleanup(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'cronmon-certs-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=cronmon test CA');
  let serial = 1;
  const signed = (name: string, altNames: string, days: number): KeyPair => {
    writeFileSync(file(`${name}.ext`), `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl('req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-set_serial',
      String(++serial),
      '-days',
      String(days),
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
    return { key: readFileSync(file(`${name}.key`), 'utf8'), cert: readFileSync(file(`${name}.pem`), 'utf8') };
  };
  openssl('req', '-x509', ...EC, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
  return {
    dir,
    caFile: file('ca.pem'),
    server: signed('server', 'IP:127.0.0.1,DNS:sentry.test', 2),
    // notAfter a day before notBefore: expired from the start.
    expired: signed('expired', 'IP:127.0.0.1,DNS:sentry.test', -1),
    wrongHost: signed('wrong', 'DNS:other.test', 2),
    selfSigned: { key: readFileSync(file('self.key'), 'utf8'), cert: readFileSync(file('self.pem'), 'utf8') },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
