// NO_PROXY, as curl reads it: a list separated by commas (or spaces) of
//   *                        every host;
//   example.com              that host and every name under it (also written .example.com or
//                            *.example.com), never notexample.com;
//   10.1.2.3, ::1, [::1]     that address; 10.0.0.0/8, fd00::/8 a range (CIDR);
//   any of them with :port   only that port.
// Names are compared without case and trailing dot; a name never matches an address entry (no
// DNS lookup is made). Loopback is not special: localhost and 127.0.0.1 go through the proxy
// unless listed. Pure.

type Entry =
  | { kind: 'all' }
  | { kind: 'name'; name: string; port?: number | undefined }
  | { kind: 'address'; family: 4 | 6; bits: bigint; prefix: number; port?: number | undefined };

export function matchesNoProxy(noProxy: string, hostname: string, port: number): boolean {
  const host = hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.+$/, '')
    .toLowerCase();
  const address = parseAddress(host);
  return parseNoProxy(noProxy).some((entry) => {
    if (entry.kind === 'all') return true;
    if (entry.port !== undefined && entry.port !== port) return false;
    if (entry.kind === 'name') return !address && (host === entry.name || host.endsWith(`.${entry.name}`));
    if (!address || address.family !== entry.family) return false;
    const shift = BigInt((entry.family === 4 ? 32 : 128) - entry.prefix);
    return address.bits >> shift === entry.bits >> shift;
  });
}

export function parseNoProxy(noProxy: string): Entry[] {
  return noProxy.split(/[\s,]+/).flatMap((token): Entry[] => {
    if (token === '') return [];
    if (token === '*') return [{ kind: 'all' }];
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(token);
    // A bare IPv6 address has two colons or more, so no port can follow it.
    const [body = '', portText] = bracketed ? [bracketed[1], bracketed[2]] : (token.match(/:/g)?.length ?? 0) >= 2 ? [token] : splitPort(token);
    const port = portText === undefined ? undefined : Number(portText);
    const [addressText = '', prefixText] = body.split('/');
    const address = parseAddress(addressText.toLowerCase());
    if (address) {
      const width = address.family === 4 ? 32 : 128;
      const prefix = prefixText === undefined ? width : /^\d+$/.test(prefixText) ? Number(prefixText) : -1;
      // A range that cannot be (10.0.0.0/33, /x) matches nothing, as in curl.
      return prefix < 0 || prefix > width ? [] : [{ kind: 'address', ...address, prefix, port }];
    }
    const name = body.replace(/^\*/, '').replace(/^\./, '').replace(/\.+$/, '').toLowerCase();
    return name === '' ? [] : [{ kind: 'name', name, port }];
  });
}

function splitPort(token: string): [string, string | undefined] {
  const match = /^(.*):(\d+)$/.exec(token);
  return match ? [match[1] ?? '', match[2]] : [token, undefined];
}

// An IPv4 or IPv6 literal as a number, or undefined for a name.
function parseAddress(text: string): { family: 4 | 6; bits: bigint } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((part) => part <= 255) ? { family: 4, bits: parts.reduce((sum, part) => (sum << 8n) + BigInt(part), 0n) } : undefined;
  }
  if (!text.includes(':')) return undefined;
  let canonical: string;
  try {
    // The URL parser writes any IPv6 form (embedded IPv4, upper case, zeros) one way: ::ffff:102:304.
    canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head = '', tail] = canonical.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return { family: 6, bits: groups.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n) };
}
