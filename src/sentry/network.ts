// How cronmon reaches a host: the proxies the user set (applied per URL by ./proxy.ts, which
// loads only when one is set), the CAs to trust besides Node's, and extra request headers.
// Built from flags, environment and files in src/commands/network-settings.ts.

export interface ProxySource {
  value: string;
  // Where it was set, for messages: "--proxy", "HTTPS_PROXY", "~/.sentryclirc ([http] proxy_url)".
  source: string;
}

export interface ProxySettings {
  // --proxy: every request.
  flag?: ProxySource | undefined;
  // https_proxy/HTTPS_PROXY, http_proxy/HTTP_PROXY, all_proxy/ALL_PROXY (lower case wins).
  https?: ProxySource | undefined;
  http?: ProxySource | undefined;
  all?: ProxySource | undefined;
  // The config file's `proxy`, else .sentryclirc's [http] proxy_url: every request.
  file?: ProxySource | undefined;
  // no_proxy/NO_PROXY: hosts reached directly, whichever proxy is set.
  noProxy?: string | undefined;
}

export interface TrustSettings {
  // SSL_CERT_FILE and SSL_CERT_DIR as OpenSSL reads them (a directory list is ':'-separated).
  certFile?: string | undefined;
  certDir?: string | undefined;
  // NODE_EXTRA_CA_CERTS: Node adds it to its defaults, but not once cronmon passes its own CAs.
  nodeExtraCaCerts?: string | undefined;
}

export interface Network {
  // Undefined when no proxy is set anywhere: requests go direct and no proxy code loads.
  proxy?: ProxySettings | undefined;
  // Undefined when neither SSL_CERT_FILE nor SSL_CERT_DIR is set: Node's defaults apply.
  trust?: TrustSettings | undefined;
  // --header / `headers`: sent with every request, never printed.
  headers: Readonly<Record<string, string>>;
}

export const DIRECT: Network = { headers: {} };

// A proxy that could not be used or refused the connection; the message names it, masked.
export class ProxyFailure extends Error {
  override name = 'ProxyFailure';
  constructor(
    message: string,
    // Worth another attempt (the proxy's 502/503/504, 408), unlike a 403 or 407.
    readonly transient = false,
  ) {
    super(message);
  }
}
