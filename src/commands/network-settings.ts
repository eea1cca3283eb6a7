import { CronmonError, usageError } from '../util/errors.js';
import type { Network, ProxySettings, ProxySource, TrustSettings } from '../sentry/network.js';
import type { CronmonConfig } from '../config/config-file.js';
import { mergeHeaders } from '../config/headers.js';
import { pick } from '../config/sourced.js';
import type { SentryCliRc } from '../config/sentryclirc.js';
import { PROXY } from '../config/flags.js';
import type { ExecFlags } from '../config/command-flags.js';

// Flags of every command that talks to Sentry.
export type NetworkFlags = Pick<ExecFlags, 'proxy' | 'header'>;

// How requests reach Sentry: the proxy candidates (flag > environment > config file >
// .sentryclirc, applied per URL with NO_PROXY), extra CAs and extra headers. A proxy given by
// flag or file is checked here (exit 2); one from the environment only when it is used, so that
// a broken HTTPS_PROXY never keeps a job from running.
export async function resolveNetwork(
  flags: NetworkFlags,
  env: NodeJS.ProcessEnv,
  config: CronmonConfig | undefined,
  sentryCliRc: () => Pick<SentryCliRc, 'proxy' | 'sources'>,
): Promise<Network> {
  const flag = pick([flags.proxy, PROXY.long]);
  const rc = config?.proxy === undefined ? sentryCliRc() : undefined;
  const file = pick([config?.proxy, `${config?.file} (proxy)`], [rc?.proxy, `${rc?.sources.proxy} ([http] proxy_url)`]);
  // Lower case first, as curl reads them.
  const fromEnv = (name: string) => pick([env[name.toLowerCase()], name.toLowerCase()], [env[name], name]);
  const candidates = { flag, https: fromEnv('HTTPS_PROXY'), http: fromEnv('HTTP_PROXY'), all: fromEnv('ALL_PROXY'), file };
  let proxy: ProxySettings | undefined;
  if (Object.values(candidates).some((candidate) => candidate !== undefined)) {
    const { parseProxy } = await import('../sentry/proxy.js');
    const check = (candidate: ProxySource | undefined, toError: (message: string) => CronmonError) => {
      try {
        if (candidate) parseProxy(candidate);
      } catch (error) {
        throw toError(error instanceof Error ? error.message : String(error));
      }
    };
    check(flag, usageError);
    check(file, (message) => new CronmonError('config', message));
    proxy = { ...candidates, noProxy: pick([env.no_proxy, 'no_proxy'], [env.NO_PROXY, 'NO_PROXY'])?.value };
  }
  const certFile = pick([env.SSL_CERT_FILE, 'SSL_CERT_FILE'])?.value;
  const certDir = pick([env.SSL_CERT_DIR, 'SSL_CERT_DIR'])?.value;
  const trust: TrustSettings | undefined =
    certFile !== undefined || certDir !== undefined
      ? { certFile, certDir, nodeExtraCaCerts: pick([env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS'])?.value }
      : undefined;
  return { proxy, trust, headers: mergeHeaders(config?.headers ?? {}, flags.header ?? []) };
}
