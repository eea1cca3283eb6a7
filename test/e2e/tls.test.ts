import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// Sentry is reached over https: a TLS front for the test server on 127.0.0.1, with a certificate
// made for this run (openssl) that only NODE_EXTRA_CA_CERTS makes trusted. Node and Bun (the
// single executable) each verify it with their own TLS.
const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!haveOpenssl) console.warn('no openssl to make a test certificate: the https tests are skipped');

let dir: string;
let sentry: TestSentry;
let front: Server;
let port: number;
const sockets = new Set<Socket>();

// A self-signed certificate (and its key) for subjectAltName `names`, made with openssl.
function selfSigned(keyFile: string, certFile: string, subject: string, names: string): void {
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];
  const made = spawnSync('openssl', [...args, '-keyout', keyFile, '-out', certFile, '-subj', subject, '-addext', `subjectAltName=${names}`], {
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(made.stderr);
}

beforeAll(async () => {
  if (!haveOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'cronmon-tls-'));
  selfSigned(join(dir, 'key.pem'), join(dir, 'cert.pem'), '/CN=cronmon test', 'IP:127.0.0.1,DNS:localhost');
  sentry = await startSentryServer();
  front = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (secure) => {
    const plain = connect(sentry.port, '127.0.0.1');
    for (const socket of [secure, plain]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    secure.pipe(plain).pipe(secure);
  });
  front.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  port = (front.address() as { port: number }).port;
});

afterAll(async () => {
  if (!haveOpenssl) return;
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => front.close(resolve));
  await sentry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.runIf(haveOpenssl)('Sentry over https', () => {
  it('reports a run when the certificate is trusted', async () => {
    const env = cronEnv({ SENTRY_DSN: `https://${sentry.key}@127.0.0.1:${port}/42`, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') });
    const result = await runCli(['exec', '--slug', 'over-tls', '--', 'sh', '-c', 'echo done; exit 3'], { env });
    expect(result).toMatchObject({ code: 3, stderr: '' });
    expect(result.stdout.toString()).toBe('done\n');
    expect(sentry.statusesOf('over-tls')).toEqual(['in_progress', 'error']);
    await sentry.waitFor((s) => s.events().some((e) => e.attachments[0]?.data.toString() === 'done\n'));
  });

  // By name: looked up, then verified against the name (SNI). Only where localhost is 127.0.0.1
  // alone, the one address the front listens on.
  const localhostIsLoopback =
    /^127\.0\.0\.1\s+localhost\b/m.test(readFileSync('/etc/hosts', 'utf8')) && !/^::1\s.*\blocalhost\b/m.test(readFileSync('/etc/hosts', 'utf8'));
  it.runIf(localhostIsLoopback)('reaches it by name, verified against the name', async () => {
    const env = cronEnv({ SENTRY_DSN: `https://${sentry.key}@localhost:${port}/42`, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') });
    const result = await runCli(['heartbeat', '--slug', 'tls-by-name'], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(sentry.statusesOf('tls-by-name')).toEqual(['ok']);
  });

  it('refuses a trusted certificate made for another name', async () => {
    const other = join(dir, 'other');
    selfSigned(`${other}-key.pem`, `${other}.pem`, '/CN=other', 'DNS:other.example');
    const impostor = createServer({ key: readFileSync(`${other}-key.pem`), cert: readFileSync(`${other}.pem`) }, (socket) => socket.destroy());
    impostor.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const { port: impostorPort } = impostor.address() as { port: number };
      const env = cronEnv({ SENTRY_DSN: `https://${sentry.key}@127.0.0.1:${impostorPort}/42`, NODE_EXTRA_CA_CERTS: `${other}.pem` });
      const result = await runCli(['heartbeat', '--slug', 'wrong-name'], { env });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^cronmon: [^\n]*the certificate of 127\.0\.0\.1:\d+ is for another host(?: \(DNS:other\.example\))?; [^\n]*\n$/);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });

  it('sends nothing to a server whose certificate it cannot verify, and still runs the job', async () => {
    const env = cronEnv({ SENTRY_DSN: `https://${sentry.key}@127.0.0.1:${port}/42` });
    const result = await runCli(['exec', '--slug', 'untrusted-tls', '--', 'sh', '-c', 'echo ran'], { env });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('ran\n');
    // One line, naming the reason (a self-signed certificate) and the host.
    expect(result.stderr).toMatch(/^cronmon: [^\n]*the certificate of 127\.0\.0\.1:\d+ is self-signed; trust it with SSL_CERT_FILE=[^\n]*\n$/);
    expect(sentry.statusesOf('untrusted-tls')).toEqual([]);
  });
});
