import { describe, expect, it } from 'vitest';
import type { CronmonConfig } from '../../src/config/config-file.js';
import { resolveNetwork } from '../../src/commands/network-settings.js';
import { rejectionOf } from '../support/errors.js';
import { ProxyFailure } from '../../src/sentry/network.js';
import { proxyFor } from '../../src/sentry/proxy.js';

const noRc = () => ({ sources: {} });
const config = (extra: Partial<CronmonConfig>): CronmonConfig => ({ file: '/srv/cronmon.config.yaml', monitors: {}, ...extra });
const HTTPS = new URL('https://o1.ingest.sentry.io/api/42/envelope/');
const HTTP = new URL('http://sentry.internal:9000/api/42/envelope/');

// Which proxy a request takes, with where it was set: "proxy http://p:3128 (HTTPS_PROXY)".
async function proxyLabel(target: URL, env: NodeJS.ProcessEnv, options: { flag?: string; file?: CronmonConfig; rc?: string } = {}) {
  const network = await resolveNetwork({ proxy: options.flag }, env, options.file, () => ({ proxy: options.rc, sources: { proxy: '/home/u/.sentryclirc' } }));
  return network.proxy && proxyFor(target, network.proxy)?.label;
}

describe('resolveNetwork', () => {
  it('sets nothing up when no proxy, CA or header is set (the direct path loads no proxy code)', async () => {
    expect(await resolveNetwork({}, { NO_PROXY: 'example.com', PATH: '/bin' }, undefined, noRc)).toEqual({ proxy: undefined, trust: undefined, headers: {} });
  });

  it('takes --proxy over the environment, the environment over the config file, the file over .sentryclirc', async () => {
    const env = { HTTPS_PROXY: 'http://env:3128' };
    const file = config({ proxy: 'http://file:3128' });
    expect(await proxyLabel(HTTPS, env, { flag: 'http://flag:3128', file, rc: 'http://rc:3128' })).toBe('proxy http://flag:3128 (--proxy)');
    expect(await proxyLabel(HTTPS, env, { file, rc: 'http://rc:3128' })).toBe('proxy http://env:3128 (HTTPS_PROXY)');
    expect(await proxyLabel(HTTPS, {}, { file, rc: 'http://rc:3128' })).toBe('proxy http://file:3128 (/srv/cronmon.config.yaml (proxy))');
    expect(await proxyLabel(HTTPS, {}, { rc: 'http://rc:3128' })).toBe('proxy http://rc:3128 (/home/u/.sentryclirc ([http] proxy_url))');
  });

  it('reads .sentryclirc only when the config file names no proxy', async () => {
    let reads = 0;
    const rc = () => {
      reads++;
      return { sources: {} };
    };
    await resolveNetwork({}, {}, config({ proxy: 'http://file:3128' }), rc);
    expect(reads).toBe(0);
    await resolveNetwork({}, {}, config({}), rc);
    expect(reads).toBe(1);
  });

  it('takes the lower-case variable where both are set, as curl does', async () => {
    const env = {
      https_proxy: 'http://lower:1',
      HTTPS_PROXY: 'http://upper:1',
      http_proxy: 'http://lower:2',
      HTTP_PROXY: 'http://upper:2',
      all_proxy: 'http://lower:3',
      ALL_PROXY: 'http://upper:3',
    };
    expect(await proxyLabel(HTTPS, env)).toBe('proxy http://lower:1 (https_proxy)');
    expect(await proxyLabel(HTTP, env)).toBe('proxy http://lower:2 (http_proxy)');
    expect(await proxyLabel(HTTPS, { ALL_PROXY: 'http://upper:3', all_proxy: 'http://lower:3' })).toBe('proxy http://lower:3 (all_proxy)');
    // An empty lower-case variable counts as unset.
    expect(await proxyLabel(HTTPS, { https_proxy: '', HTTPS_PROXY: 'http://upper:1' })).toBe('proxy http://upper:1 (HTTPS_PROXY)');
  });

  it("uses the target scheme's variable, then ALL_PROXY", async () => {
    expect(await proxyLabel(HTTP, { HTTPS_PROXY: 'http://secure:1' })).toBeUndefined();
    expect(await proxyLabel(HTTPS, { HTTP_PROXY: 'http://plain:1' })).toBeUndefined();
    expect(await proxyLabel(HTTP, { HTTPS_PROXY: 'http://secure:1', ALL_PROXY: 'http://all:1' })).toBe('proxy http://all:1 (ALL_PROXY)');
  });

  it('lets NO_PROXY (lower case first) keep hosts away from any proxy, --proxy included', async () => {
    expect(await proxyLabel(HTTPS, { NO_PROXY: '.sentry.io' }, { flag: 'http://flag:3128' })).toBeUndefined();
    expect(await proxyLabel(HTTPS, { HTTPS_PROXY: 'http://p:1', no_proxy: 'example.com', NO_PROXY: 'sentry.io' })).toBe('proxy http://p:1 (HTTPS_PROXY)');
    expect(await proxyLabel(HTTPS, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' })).toBeUndefined();
  });

  it('refuses a bad --proxy (exit 2) or config proxy (exit 2), masking its credentials', async () => {
    const flag = await rejectionOf(resolveNetwork({ proxy: 'socks5://user:hunter2@proxy:1080' }, {}, undefined, noRc));
    expect(flag).toMatchObject({ code: 'usage', exitCode: 2 });
    expect(flag.message).toBe('the proxy socks5://***@proxy:1080 from --proxy is a socks5 proxy; cronmon talks to http:// and https:// proxies');
    const file = await rejectionOf(resolveNetwork({}, {}, config({ proxy: 'http://[::1' }), noRc));
    expect(file).toMatchObject({ code: 'config', exitCode: 2 });
    expect(file.message).toContain('from /srv/cronmon.config.yaml (proxy) is not a URL');
  });

  it('leaves a broken *_PROXY to the request that would use it: a job must not be stopped by it', async () => {
    const network = await resolveNetwork({}, { HTTPS_PROXY: 'socks5://u:hunter2@proxy:1080' }, undefined, noRc);
    expect(() => network.proxy && proxyFor(HTTPS, network.proxy)).toThrow(ProxyFailure);
    expect(() => network.proxy && proxyFor(HTTPS, network.proxy)).toThrow('the proxy socks5://***@proxy:1080 from HTTPS_PROXY is a socks5 proxy');
  });

  it('adds SSL_CERT_FILE and SSL_CERT_DIR to the trusted CAs, keeping NODE_EXTRA_CA_CERTS', async () => {
    expect((await resolveNetwork({}, { NODE_EXTRA_CA_CERTS: '/x.pem' }, undefined, noRc)).trust).toBeUndefined();
    expect((await resolveNetwork({}, { SSL_CERT_FILE: '/ca.pem', SSL_CERT_DIR: '/certs', NODE_EXTRA_CA_CERTS: '/x.pem' }, undefined, noRc)).trust).toEqual({
      certFile: '/ca.pem',
      certDir: '/certs',
      nodeExtraCaCerts: '/x.pem',
    });
  });

  it('merges --header over the config file, by name whatever its case', async () => {
    const network = await resolveNetwork(
      { header: ['x-token: from-flag', 'X-Other:  spaced  '] },
      {},
      config({ headers: { 'X-Token': 'from-file', 'X-Kept': 'k' } }),
      noRc,
    );
    expect(network.headers).toEqual({ 'X-Kept': 'k', 'x-token': 'from-flag', 'X-Other': 'spaced' });
  });

  it.each([
    ['X-Token secret-value', "--header must be 'Name: value' (there is no colon)"],
    ['X Token: secret-value', '--header: "X Token" is not a header name'],
    ['Content-Length: 0', '--header: Content-Length is a header cronmon sets itself'],
    ['Proxy-Authorization: Basic secret-value', '--header: Proxy-Authorization is a header cronmon sets itself'],
    ['X-Token: secret-value\r\nHost: evil', '--header: the value of X-Token contains a control character'],
  ])('refuses --header %j (exit 2) without showing its value', async (header, message) => {
    const error = await rejectionOf(resolveNetwork({ header: [header] }, {}, undefined, noRc));
    expect(error).toMatchObject({ code: 'usage', exitCode: 2 });
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('secret-value');
  });
});
