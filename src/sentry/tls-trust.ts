import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { SecureContext } from 'node:tls';
import { join } from 'node:path';
import type { TrustSettings } from './network.js';

// The CAs cronmon trusts: Node's own (with NODE_EXTRA_CA_CERTS), plus SSL_CERT_FILE and
// SSL_CERT_DIR when set, read as curl, OpenSSL and sentry-cli read them. Only loaded when one
// of them is set; a file that cannot be read is noted and shown with a certificate error.

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
// A CA bundle is a few hundred kB; anything far larger is not one.
const MAX_FILE_BYTES = 4 * 1024 * 1024;

let cached: { key: string; secureContext: SecureContext; notes: string[] } | undefined;

// The TLS options for a connection: a secure context with the extra CAs, or nothing (defaults).
export function trustOptions(trust: TrustSettings | undefined): { secureContext?: SecureContext } {
  if (!trust || (trust.certFile === undefined && trust.certDir === undefined)) return {};
  const key = JSON.stringify(trust);
  if (cached?.key !== key) {
    const tls = process.getBuiltinModule('node:tls');
    const notes: string[] = [];
    const pems = new Set(tls.rootCertificates);
    const addFile = (file: string, label: string) => {
      try {
        const found = readPems(file);
        if (found === undefined) notes.push(`${label} ${file} is too large for a CA file`);
        for (const pem of found ?? []) pems.add(pem);
      } catch (error) {
        notes.push(`${label} ${file} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    };
    if (trust.nodeExtraCaCerts) addFile(trust.nodeExtraCaCerts, 'NODE_EXTRA_CA_CERTS');
    if (trust.certFile) addFile(trust.certFile, 'SSL_CERT_FILE');
    for (const dir of (trust.certDir ?? '').split(':').filter(Boolean)) {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch (error) {
        notes.push(`SSL_CERT_DIR ${dir} could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        continue;
      }
      // OpenSSL's hashed links (<hash>.0) and the files they point to hold the same PEM: the set
      // keeps one.
      for (const name of names) {
        try {
          for (const pem of readPems(join(dir, name)) ?? []) pems.add(pem);
        } catch {
          // A dangling link or an unreadable file is skipped, as OpenSSL does.
        }
      }
    }
    cached = { key, secureContext: tls.createSecureContext({ ca: [...pems] }), notes };
  }
  return { secureContext: cached.secureContext };
}

// The PEM certificates of a regular file; undefined when it is too large to be a CA bundle.
function readPems(file: string): string[] | undefined {
  const stats = statSync(file);
  if (!stats.isFile()) return [];
  if (stats.size > MAX_FILE_BYTES) return undefined;
  return readFileSync(file, 'latin1').match(PEM_CERTIFICATE) ?? [];
}

// What a certificate error means and how to fix it, in one line; undefined for other errors.
export function describeCertificateError(error: unknown, peer: string): string | undefined {
  const code = String((error as NodeJS.ErrnoException | undefined)?.code ?? '');
  const trustFix = 'trust its CA with SSL_CERT_FILE=/path/ca.pem or NODE_EXTRA_CA_CERTS=/path/ca.pem';
  let text: string;
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      text = `the certificate of ${peer} is self-signed; trust it with SSL_CERT_FILE=/path/cert.pem or NODE_EXTRA_CA_CERTS=/path/cert.pem`;
      break;
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      text = `the certificate of ${peer} comes from a private CA that is not trusted; ${trustFix}`;
      break;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      text = `the certificate of ${peer} is signed by an unknown CA; ${trustFix}`;
      break;
    case 'CERT_HAS_EXPIRED':
      text = `the certificate of ${peer} has expired; it must be renewed on the server (or this machine's clock is wrong)`;
      break;
    case 'CERT_NOT_YET_VALID':
      text = `the certificate of ${peer} is not valid yet; check this machine's clock`;
      break;
    case 'ERR_TLS_CERT_ALTNAME_INVALID': {
      // The names come from the server: printable characters only, and not too many.
      const names = String((error as { cert?: { subjectaltname?: unknown } }).cert?.subjectaltname ?? '')
        .replace(/[^\x20-\x7e]/g, '?')
        .slice(0, 120);
      text = `the certificate of ${peer} is for another host${names ? ` (${names})` : ''}; use a host name it names in the DSN or --url`;
      break;
    }
    default:
      if (!/^(CERT_|ERR_TLS_CERT|UNABLE_TO_|ERR_SSL_)/.test(code)) return undefined;
      text = `TLS with ${peer} failed (${code}); if it uses a private CA, ${trustFix}`;
  }
  const notes = cached?.notes ?? [];
  return notes.length > 0 ? `${text} (note: ${notes.join('; ')})` : text;
}
