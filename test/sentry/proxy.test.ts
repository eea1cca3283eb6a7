import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProxyFailure } from '../../src/sentry/network.js';
import { maskProxy, parseProxy, refusal } from '../../src/sentry/proxy.js';

const from = (value: string) => parseProxy({ value, source: 'HTTPS_PROXY' });

describe('parseProxy', () => {
  it('reads http:// and https:// proxies, and a bare host:port as http:// (as curl does)', () => {
    expect(from('proxy.corp:3128').url.href).toBe('http://proxy.corp:3128/');
    expect(from(' http://proxy.corp ').label).toBe('proxy http://proxy.corp (HTTPS_PROXY)');
    expect(from('https://[::1]:8443/').label).toBe('proxy https://[::1]:8443 (HTTPS_PROXY)');
  });

  it('turns credentials into Basic auth (percent-decoded) and never shows them', () => {
    const route = from('http://j%C3%B6rg:p%40ss%3Aword@proxy.corp:3128');
    expect(route.authorization).toBe(`Basic ${Buffer.from('jörg:p@ss:word').toString('base64')}`);
    expect(route.label).toBe('proxy http://***@proxy.corp:3128 (HTTPS_PROXY)');
    expect(from('http://proxy.corp:3128').authorization).toBeUndefined();
  });

  it('refuses what it cannot talk to, masking credentials', () => {
    for (const [value, message] of [
      [
        'socks5://user:hunter2@proxy:1080',
        'the proxy socks5://***@proxy:1080 from HTTPS_PROXY is a socks5 proxy; cronmon talks to http:// and https:// proxies',
      ],
      ['http://user:hunter2@[::1', 'the proxy http://***@[::1 from HTTPS_PROXY is not a URL (expected http://host:port)'],
      ['http://:99999', 'the proxy http://:99999 from HTTPS_PROXY is not a URL (expected http://host:port)'],
    ] as const) {
      expect(() => from(value)).toThrow(new ProxyFailure(message));
    }
  });

  it('never shows a password, whatever the URL looks like', () => {
    const secret = fc.string({ minLength: 4 }).filter((s) => !s.includes('@') && s.trim() === s && s.length > 3);
    fc.assert(
      fc.property(
        fc.constantFrom('http://', 'https://', ''),
        secret,
        fc.constantFrom('proxy.corp:3128', '127.0.0.1', '[::1]:8080'),
        (scheme, password, host) => {
          const text = `${scheme}user:${encodeURIComponent(password)}@${host}`;
          expect(maskProxy(text)).not.toContain(encodeURIComponent(password));
          let shown: string;
          try {
            shown = from(text).label;
          } catch (error) {
            shown = (error as Error).message;
          }
          expect(shown).not.toContain(encodeURIComponent(password));
          expect(shown).not.toContain('user');
        },
      ),
    );
  });
});

describe('refusal', () => {
  const route = from('http://u:p@proxy.corp:3128');
  it('says what a CONNECT refusal means and whether to try again', () => {
    expect(refusal(407, 'sentry.io:443', route)).toMatchObject({
      message: 'proxy http://***@proxy.corp:3128 (HTTPS_PROXY) refused its credentials (407)',
      transient: false,
    });
    expect(refusal(407, 'sentry.io:443', from('proxy.corp:3128')).message).toBe(
      'proxy http://proxy.corp:3128 (HTTPS_PROXY) asks for credentials (407): put them in the proxy URL, http://user:password@host:port',
    );
    expect(refusal(403, 'sentry.io:443', route)).toMatchObject({
      message: 'proxy http://***@proxy.corp:3128 (HTTPS_PROXY) refused the connection to sentry.io:443 (403)',
      transient: false,
    });
    expect(refusal(503, 'sentry.io:443', route)).toMatchObject({
      message: 'proxy http://***@proxy.corp:3128 (HTTPS_PROXY) answered 503 to CONNECT sentry.io:443',
      transient: true,
    });
    expect(refusal(404, 'sentry.io:443', route).transient).toBe(false);
  });
});
