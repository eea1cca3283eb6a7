import { readFileSync } from 'node:fs';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';

// Host names are looked up without libc's getaddrinfo where that gives the same answer. Node
// runs getaddrinfo in its thread pool and, at exit, waits for every such thread: with a stalled
// resolver, a run that gave up on reporting after --send-timeout would still hang on for the
// resolver's own timeouts (a minute and more). Node's DNS client (c-ares) runs on the event
// loop instead, so an abandoned query costs nothing at exit. Where the system may resolve names
// in other ways (macOS, an nsswitch.conf with mdns, ldap…), and for names DNS alone does not
// know (no dot, so search domains apply), cronmon asks getaddrinfo as before.

export interface Address {
  address: string;
  family: 4 | 6;
}

// Sources in /etc/nsswitch.conf's `hosts:` line that c-ares plus /etc/hosts stand in for.
const DIRECT_SOURCES = new Set(['files', 'dns']);

// Whether the `hosts:` line (or its absence: glibc then uses DNS and files) names only sources
// cronmon can consult itself.
export function onlyFilesAndDns(nsswitch: string | undefined): boolean {
  const line = nsswitch?.split('\n').find((text) => /^\s*hosts\s*:/.test(text));
  if (line === undefined) return true;
  const sources = line
    .replace(/#.*/, '')
    .replace(/^\s*hosts\s*:/, '')
    .replace(/\[[^\]]*\]/g, ' ')
    .split(/\s+/)
    .filter((word) => word !== '');
  return sources.every((source) => DIRECT_SOURCES.has(source));
}

// The addresses /etc/hosts gives a name, in file order.
export function hostsFileAddresses(hosts: string, name: string): Address[] {
  const wanted = name.toLowerCase().replace(/\.$/, '');
  const found: Address[] = [];
  for (const line of hosts.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address === undefined || !names.some((alias) => alias.toLowerCase().replace(/\.$/, '') === wanted)) continue;
    const family = address.includes(':') ? 6 : /^\d+\.\d+\.\d+\.\d+$/.test(address) ? 4 : undefined;
    if (family !== undefined) found.push({ address, family });
  }
  return found;
}

const readOptional = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

type Callback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

// A `lookup` for net.connect/tls.connect (see the top of this file).
export const lookupHost: LookupFunction = (hostname, options, callback) => {
  const dns = process.getBuiltinModule('node:dns');
  const direct = process.platform === 'linux' && hostname.includes('.') && onlyFilesAndDns(readOptional('/etc/nsswitch.conf'));
  if (!direct) return dns.lookup(hostname, options, callback);
  const answer = answerer(options, callback as Callback);
  const fromFile = hostsFileAddresses(readOptional('/etc/hosts') ?? '', hostname);
  if (fromFile.length > 0) return answer(fromFile);
  const resolver = new dns.Resolver();
  const query = (family: 4 | 6) =>
    new Promise<Address[] | NodeJS.ErrnoException>((resolve) => {
      const method = family === 4 ? 'resolve4' : 'resolve6';
      if (options.family !== undefined && options.family !== 0 && options.family !== family) return resolve([]);
      resolver[method](hostname, (error, addresses) => resolve(error ?? addresses.map((address) => ({ address, family }))));
    });
  void Promise.all([query(4), query(6)]).then((results) => {
    const addresses = results.flatMap((result) => (Array.isArray(result) ? result : []));
    if (addresses.length > 0) return answer(addresses);
    const errors = results.filter((result): result is NodeJS.ErrnoException => !Array.isArray(result));
    // The server answered that it has no such name: getaddrinfo may still know it (search
    // domains, other sources), and asking it cannot stall on an unanswering server.
    if (errors.every((error) => error.code === dns.NOTFOUND || error.code === dns.NODATA)) return dns.lookup(hostname, options, callback);
    const error = Object.assign(new Error(`no answer from the DNS server for ${hostname}`), { code: 'EAI_AGAIN', hostname });
    (callback as Callback)(error, '');
  });
};

function answerer(options: LookupOptions, callback: Callback) {
  return (addresses: Address[]) => {
    const wanted = addresses.filter((entry) => !options.family || options.family === entry.family);
    const [first] = wanted;
    if (!first) return callback(Object.assign(new Error('no address of the requested family'), { code: 'ENOTFOUND' }), '');
    if (options.all) callback(null, wanted);
    else callback(null, first.address, first.family);
  };
}
