import { spawnSync } from 'node:child_process';
import { compiledExecutable } from '../util/runtime.js';
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { apiTarget } from './api-settings.js';
import type { CronmonConfig } from '../config/config-file.js';
import { resolveNetwork } from './network-settings.js';
import { cacheDir } from '../util/paths.js';
import { configFile, createCommandLog, findDsn } from './reporting-settings.js';
import type { DoctorFlags } from '../config/command-flags.js';
import { loadSentryCliRc, type SentryCliRc } from '../config/sentryclirc.js';
import { CRON_DEFAULT_PATH, findOnPath } from '../crontab/io.js';
import { isCronmonError, messageOf } from '../util/errors.js';
import { cronZone, systemZone } from '../monitor/cron-zone.js';
import { defaultLockFile } from '../run/lock.js';
import { isOwnedByCurrentUser, isWritableByOthers, isWritableDir, kernelFilesystemOf, nearestExisting } from '../util/safe-fs.js';
import { createApiClient } from '../sentry/api.js';
import { redact } from '../sentry/dsn.js';
import type { Network } from '../sentry/network.js';
import { probeIngest, type Probe } from '../sentry/probe.js';
import { parseProxy } from '../sentry/proxy.js';
import { loadRateLimits, rateLimitFile } from '../sentry/rate-limit-store.js';
import { limitedFor, mergeRateLimits, parseRateLimits } from '../sentry/rate-limits.js';
import type { HttpResponse } from '../sentry/transport.js';
import { VERSION } from '../util/version.js';
import { check, type Check } from '../doctor/check.js';
import { configCheck, dirCheck, runtimeCheck, zoneCheck, type DirState, type RuntimeFacts } from '../doctor/host-checks.js';
import { apiCheck, clockCheck, dsnCheck, sentryCheck, type ApiFacts } from '../doctor/sentry-checks.js';

// Doctor waits longer than exec would (5s): it is asked interactively, and says when it was slow.
const REQUEST_TIMEOUT_MS = 10_000;
// `bin/cronmon --version` with cron's PATH starts one more Node; far more than that needs.
const TRIAL_TIMEOUT_MS = 30_000;

// `cronmon doctor`: gathers what cron will meet (settings, Sentry's answer, this machine) and
// judges it with the pure checks. Nothing is created anywhere; no secret reaches the result.
export async function runDoctor(
  flags: DoctorFlags,
  env: NodeJS.ProcessEnv,
  stderrIsTTY: boolean,
  cwd: string = process.cwd(),
): Promise<{ checks: Check[]; quiet: boolean }> {
  const log = createCommandLog(flags, env, stderrIsTTY);
  // Files found but not trusted are findings here, not warnings on stderr.
  const ignored: string[] = [];
  const note = (message: string) => void ignored.push(message);
  let config: CronmonConfig | undefined;
  let configError: string | undefined;
  try {
    config = await configFile(flags, env, cwd, { ...log, warn: note });
  } catch (error) {
    configError = configProblem(error);
  }
  const rc = loadSentryCliRc(cwd, env.HOME, note);
  let network: Network;
  try {
    network = await resolveNetwork(flags, env, config, () => rc);
  } catch (error) {
    // A proxy in a file that cannot be used: exec would stop there too. Go on without it.
    configError ??= configProblem(error);
    network = await resolveNetwork(flags, env, undefined, () => ({ sources: {} }));
  }
  const dsn = findDsn(flags, env, config, () => rc);

  // Local facts first: the requests below are timed, and nothing may block the clock meanwhile.
  // The directories before the runtime: starting cronmon as cron does may create the cache.
  const cache = cacheDir(env);
  const lockDir = dirname(defaultLockFile({ slug: 'doctor', environment: 'production', cacheDir: cache }));
  const dirs = [dirCheck('cache-dir', cache, dirState(cache)), dirCheck('lock-dir', lockDir, dirState(lockDir))];
  const local = [zoneCheck(cronZone(env), systemZone()), runtimeCheck(runtimeFacts(env)), ...dirs];
  const [probe, api] = await Promise.all([
    dsn?.parsed.ok ? probeIngest(dsn.parsed.dsn, network, REQUEST_TIMEOUT_MS, log.debug) : undefined,
    apiFacts(flags, env, config, rc, network, log.debug),
  ]);
  const checks = [
    configCheck({ file: config?.file, error: configError, ignored, cwd }),
    dsnCheck(dsn),
    sentryCheck(probe, probe && dsn?.parsed.ok ? heldBack(probe, rateLimitFile(cache, dsn.parsed.dsn)) : 0),
    clockCheck(probe),
    ...local,
    'error' in api ? check('auth-token', 'fail', api.error, 'correct url in the config file, or [defaults] url in .sentryclirc') : apiCheck(api),
  ];
  const secrets = [
    dsn?.parsed.ok ? dsn.parsed.dsn.publicKey : undefined,
    dsn?.parsed.ok ? dsn.parsed.dsn.pass : undefined,
    'token' in api ? api.token?.value : undefined,
    ...networkSecrets(network),
  ];
  const hide = (text: string) => redact(text, secrets);
  return {
    checks: checks.map((item) => ({ ...item, detail: hide(item.detail), ...(item.fix === undefined ? {} : { fix: hide(item.fix) }) })),
    quiet: log.quiet,
  };
}

// Seconds exec will hold check-ins back: a rate limit a run stored, or one this answer announced.
function heldBack(probe: Probe, stored: string): number {
  const now = Date.now();
  const announced = probe.outcome.ok
    ? parseRateLimits(
        {
          status: probe.outcome.value.status,
          rateLimits: header(probe.outcome.value, 'x-sentry-rate-limits'),
          retryAfter: header(probe.outcome.value, 'retry-after'),
        },
        now,
      )
    : {};
  return limitedFor(mergeRateLimits(loadRateLimits(stored, now), announced), 'monitor', now);
}

const header = (response: HttpResponse, name: string) => [response.headers[name]].flat()[0];

function configProblem(error: unknown): string {
  if (isCronmonError(error) && error.code === 'config') return error.message;
  throw error;
}

// The token and organization, and what Sentry says to them: one request, when both are set.
async function apiFacts(
  flags: DoctorFlags,
  env: NodeJS.ProcessEnv,
  config: CronmonConfig | undefined,
  rc: SentryCliRc,
  network: Network,
  debug: (line: string) => void,
): Promise<ApiFacts | { error: string }> {
  let target;
  try {
    target = apiTarget(flags, env, config, rc);
  } catch (error) {
    // A bad --url or SENTRY_URL is a usage error (exit 2), one in a file a finding.
    if (!isCronmonError(error) || error.code === 'usage') throw error;
    return { error: error.message };
  }
  if (!target.token || !target.org) return target;
  const api = createApiClient({ url: target.url, token: target.token.value, timeoutMs: REQUEST_TIMEOUT_MS, onRequest: debug, network });
  const started = performance.now();
  try {
    const response = await api.request('GET', `/organizations/${encodeURIComponent(target.org.value)}/`);
    return { ...target, answer: { status: response.status, body: response.body, ms: performance.now() - started } };
  } catch (error) {
    return { ...target, answer: { error: messageOf(error) } };
  }
}

function runtimeFacts(env: NodeJS.ProcessEnv): RuntimeFacts {
  const executable = process.execPath;
  const script = process.argv[1];
  const viaBin = script !== undefined && isAbsolute(script) && basename(script) === 'cronmon' ? script : undefined;
  const node = findOnPath('node', CRON_DEFAULT_PATH);
  return {
    executable,
    singleExecutable: compiledExecutable() !== undefined,
    cronPath: CRON_DEFAULT_PATH,
    script: viaBin,
    node,
    cronmon: findOnPath('cronmon', CRON_DEFAULT_PATH),
    trial: viaBin && node ? runAsCron(viaBin, env) : undefined,
    version: VERSION,
  };
}

// `<bin/cronmon> --version` as a crontab line starts it: its `#!/usr/bin/env node` looks for node
// on cron's PATH, and bin/cronmon checks that node's version.
function runAsCron(script: string, env: NodeJS.ProcessEnv): RuntimeFacts['trial'] {
  const cronEnv = { PATH: CRON_DEFAULT_PATH, ...(env.HOME === undefined ? {} : { HOME: env.HOME }) };
  const run = spawnSync(script, ['--version'], { env: cronEnv, encoding: 'utf8', timeout: TRIAL_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  const error = run.error as NodeJS.ErrnoException | undefined;
  return { status: run.status, stdout: run.stdout ?? '', stderr: run.stderr ?? '', error: error && (error.code ?? error.message) };
}

function dirState(dir: string): DirState {
  const filesystem = kernelFilesystemOf(dir);
  if (filesystem) return { kind: 'kernel', filesystem };
  let stats;
  try {
    stats = statSync(dir);
  } catch {
    let parent: string;
    let parentStats;
    try {
      parent = nearestExisting(dirname(resolve(dir)));
      parentStats = statSync(parent);
    } catch {
      // A path through a file (ENOTDIR).
      return { kind: 'missing', parent: dirname(dir), parentState: 'read-only' };
    }
    const sticky = (parentStats.mode & 0o1000) !== 0;
    if (!parentStats.isDirectory() || !isWritableDir(parent)) return { kind: 'missing', parent, parentState: 'read-only' };
    return { kind: 'missing', parent, parentState: isWritableByOthers(parentStats) && !sticky ? 'shared' : 'writable' };
  }
  if (!stats.isDirectory()) return { kind: 'not-a-directory' };
  if (!isOwnedByCurrentUser(stats)) return { kind: 'foreign', uid: stats.uid };
  if (isWritableByOthers(stats)) return { kind: 'shared', mode: stats.mode & 0o7777 };
  return isWritableDir(dir) ? { kind: 'private' } : { kind: 'read-only' };
}

// Header values and proxy passwords: never printed, even when a server's answer repeats them.
// Short values are left alone: replacing "prod" everywhere would garble the report, and a
// secret is longer than that.
function networkSecrets(network: Network): string[] {
  const { proxy } = network;
  const candidates = proxy ? [proxy.flag, proxy.https, proxy.http, proxy.all, proxy.file] : [];
  const credentials = candidates.flatMap((candidate) => {
    let route;
    try {
      route = candidate && parseProxy(candidate);
    } catch {
      return [];
    }
    if (!route?.authorization) return [];
    // As written in the URL, and decoded as they are sent.
    const basic = route.authorization.slice('Basic '.length);
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return [route.url.password, basic, decoded.slice(colon + 1)];
  });
  return [...Object.values(network.headers), ...credentials].filter((secret) => secret.length >= 8);
}
