import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostsFileAddresses, onlyFilesAndDns } from '../../src/sentry/lookup.js';

describe('onlyFilesAndDns', () => {
  it.each([
    ['hosts: files dns', true],
    ['hosts:          files dns\n', true],
    ['passwd: files\nhosts: dns files # comment', true],
    ['hosts: files [NOTFOUND=return] dns', true],
    ['hosts: files mdns4_minimal [NOTFOUND=return] dns myhostname', false],
    ['hosts: files resolve [!UNAVAIL=return] dns', false],
    ['hosts: files ldap dns', false],
    ['passwd: files', true],
  ])('%j → %s', (text, expected) => {
    expect(onlyFilesAndDns(text)).toBe(expected);
  });

  it('a missing nsswitch.conf means DNS and files, as glibc reads it', () => {
    expect(onlyFilesAndDns(undefined)).toBe(true);
  });
});

describe('hostsFileAddresses', () => {
  const hosts = [
    '127.0.0.1 localhost',
    '# 10.0.0.9 sentry.example.com',
    '10.0.0.1   sentry.example.com sentry  # self-hosted',
    '::1 ip6-localhost sentry.example.com',
    'not-an-address sentry.example.com',
    '',
  ].join('\n');

  it('finds every address of a name or alias, case-insensitively, skipping comments', () => {
    expect(hostsFileAddresses(hosts, 'Sentry.Example.com')).toEqual([
      { address: '10.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    expect(hostsFileAddresses(hosts, 'sentry.example.com.')).toHaveLength(2);
    expect(hostsFileAddresses(hosts, 'sentry')).toEqual([{ address: '10.0.0.1', family: 4 }]);
    expect(hostsFileAddresses(hosts, 'other.example.com')).toEqual([]);
  });

  it('never throws and only returns addresses of the name asked for, whatever the file holds', () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[a-z0-9.-]{1,20}$/), (text, name) => {
        for (const { address, family } of hostsFileAddresses(text, name)) {
          expect(family === 4 || family === 6).toBe(true);
          const line = text.split('\n').find((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0] === address);
          expect(line).toBeDefined();
        }
      }),
    );
  });
});
