import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesNoProxy } from '../../src/sentry/no-proxy.js';

// NO_PROXY as curl reads it, checked against simple models: a domain entry is that name and every
// name under it, an address entry a CIDR range, a port narrows either, and a list is "any of".
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const domain = fc
  .array(label, { minLength: 1, maxLength: 4 })
  .map((labels) => labels.join('.'))
  .filter((name) => !/^[\d.]+$/.test(name));
const port = fc.integer({ min: 1, max: 65_535 });
const ipv4 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const dotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
const groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
const v6 = (parts: number[]) => parts.map((part) => part.toString(16)).join(':');
const asUrlHost = (parts: number[]) => new URL(`http://[${v6(parts)}]/`).hostname;

describe('matchesNoProxy', () => {
  it('* matches every host and port, wherever it is in the list', () => {
    fc.assert(
      fc.property(domain, port, fc.array(domain), (host, p, others) => {
        expect(matchesNoProxy([...others, '*'].join(','), host, p)).toBe(true);
        expect(matchesNoProxy('*', dotted(p), p)).toBe(true);
      }),
    );
  });

  it('a domain, written bare, with a leading dot or *., matches itself and every name under it', () => {
    fc.assert(
      fc.property(domain, fc.array(label, { maxLength: 3 }), fc.constantFrom('', '.', '*.'), port, (name, sub, prefix, p) => {
        const host = [...sub, name].join('.');
        expect(matchesNoProxy(`${prefix}${name}`, host, p)).toBe(true);
      }),
    );
  });

  it('never matches a name that merely ends with the same letters', () => {
    fc.assert(
      fc.property(domain, label, fc.constantFrom('', '.', '*.', '*'), port, (name, extra, prefix, p) => {
        expect(matchesNoProxy(`${prefix}${name}`, `${extra}${name}`, p)).toBe(false);
      }),
    );
  });

  it('ignores case and trailing dots, on both sides', () => {
    fc.assert(
      fc.property(domain, port, (name, p) => {
        expect(matchesNoProxy(`${name.toUpperCase()}.`, `WWW.${name}.`, p)).toBe(true);
      }),
    );
  });

  it('an entry with a port matches that port only', () => {
    fc.assert(
      fc.property(domain, port, port, (name, listed, asked) => {
        expect(matchesNoProxy(`${name}:${listed}`, name, asked)).toBe(listed === asked);
        expect(matchesNoProxy(`${dotted(listed)}:${listed}`, dotted(listed), asked)).toBe(listed === asked);
      }),
    );
  });

  it('a list matches when any of its entries does, however it is separated', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(domain, ipv4.map(dotted)), { minLength: 1, maxLength: 5 }),
        fc.oneof(domain, ipv4.map(dotted)),
        port,
        fc.constantFrom(',', ', ', ' ', ' ,, '),
        (entries, host, p, separator) => {
          expect(matchesNoProxy(entries.join(separator), host, p)).toBe(entries.some((entry) => matchesNoProxy(entry, host, p)));
        },
      ),
    );
  });

  it('an IPv4 range matches exactly the addresses sharing its first n bits', () => {
    fc.assert(
      fc.property(ipv4, ipv4, fc.integer({ min: 0, max: 32 }), port, (network, address, bits, p) => {
        const model = bits === 0 || network >>> (32 - bits) === address >>> (32 - bits);
        expect(matchesNoProxy(`${dotted(network)}/${bits}`, dotted(address), p)).toBe(model);
      }),
    );
  });

  it('an IPv6 address matches however it is written, with brackets, zeros or upper case', () => {
    fc.assert(
      fc.property(groups, port, (parts, p) => {
        const host = `[${asUrlHost(parts).slice(1, -1)}]`;
        for (const entry of [
          v6(parts),
          v6(parts).toUpperCase(),
          asUrlHost(parts),
          `${asUrlHost(parts)}:${p}`,
          parts.map((g) => g.toString(16).padStart(4, '0')).join(':'),
        ]) {
          expect(matchesNoProxy(entry, host, p)).toBe(true);
        }
      }),
    );
  });

  it('an IPv6 range matches exactly the addresses sharing its first n bits', () => {
    fc.assert(
      fc.property(groups, groups, fc.integer({ min: 0, max: 128 }), (network, address, bits) => {
        const value = (parts: number[]) => parts.reduce((sum, part) => (sum << 16n) + BigInt(part), 0n);
        const shift = BigInt(128 - bits);
        expect(matchesNoProxy(`${v6(network)}/${bits}`, asUrlHost(address), 443)).toBe(value(network) >> shift === value(address) >> shift);
      }),
    );
  });

  it('names never match address entries, nor addresses name entries (no DNS lookups)', () => {
    fc.assert(
      fc.property(domain, ipv4, port, (name, address, p) => {
        expect(matchesNoProxy(dotted(address), name, p)).toBe(false);
        expect(matchesNoProxy(name, dotted(address), p)).toBe(false);
      }),
    );
  });

  it.each([
    ['', 'localhost', false],
    ['', '127.0.0.1', false],
    ['', '[::1]', false],
    ['example.com', 'localhost', false],
    ['localhost', 'localhost', true],
    ['127.0.0.1', '127.0.0.1', true],
    ['127.0.0.0/8', '127.0.0.1', true],
    ['::1', '[::1]', true],
    ['[::1]:443', '[::1]', true],
    ['.example.com', 'example.com', true],
    ['*.example.com', 'api.example.com', true],
    ['example.com', 'notexample.com', false],
    ['sentry.io', 'o1.ingest.sentry.io', true],
    ['*example.com', 'notexample.com', false],
    ['.', 'example.com', false],
    ['10.0.0.0/33', '10.0.0.0', false],
    ['10.0.0.0/x', '10.0.0.0', false],
  ])('NO_PROXY=%j for %s: %s (loopback is not special)', (noProxy, host, expected) => {
    expect(matchesNoProxy(noProxy, host, 443)).toBe(expected);
  });
});
