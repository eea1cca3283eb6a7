// `npm run bench`: cronmon's costs, measured against the baselines of the performance notes.
// Medians over interleaved runs (A B C A B C …), so a busy machine hurts every variant alike.
// BENCH_RUNS sets the rounds for start-up (default 30); BENCH_GIB=0 skips the 1 GiB runs.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = `${root}bin/cronmon`;
const sea = `${root}build/cronmon`;
const sentryCliNpm = `${root}node_modules/.bin/sentry-cli`;
const sentryCliNative = `${root}node_modules/@sentry/cli-linux-x64/bin/sentry-cli`;
const node = process.execPath;
const rounds = Number(process.env.BENCH_RUNS ?? 30);
const ioRounds = Number(process.env.BENCH_IO_RUNS ?? 3);
const devNull = openSync('/dev/null', 'w');
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

// The strict test server (ingest, REST API, faults), bundled for plain node.
mkdirSync(`${root}build/bench`, { recursive: true });
await build({ entryPoints: [`${root}test/support/sentry-server.ts`], outfile: `${root}build/bench/sentry-server.mjs`, bundle: true, format: 'esm', platform: 'node', packages: 'external', logLevel: 'warning' });
const { startSentryServer } = await import(`${root}build/bench/sentry-server.mjs`);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// Wall time of one run; `limitMs` kills it (and reports that) for clients that never give up.
function timeRun([file, ...args], env = process.env, limitMs = 60_000) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { stdio: ['ignore', devNull, 'pipe'], env });
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (killed) resolve({ ms, killed: true, code, stderr });
      else resolve({ ms, killed: false, code, stderr });
    });
  });
}

async function interleaved(variants, count) {
  const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < count; round++) {
    for (const [name, [command, env]] of Object.entries(variants)) {
      const run = await timeRun(command, env);
      if (run.code !== 0) throw new Error(`${command.join(' ')} exited ${run.code}: ${run.stderr}`);
      times[name].push(run.ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

// Peak RSS (KiB) of the largest process in a command's tree and its CPU time (ms), from rusage.
// Asynchronous: the server that answers the command runs in this process.
function rusage(command, env) {
  const probe = 'import resource,subprocess,sys\nsubprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True)\nr=resource.getrusage(resource.RUSAGE_CHILDREN)\nprint(r.ru_maxrss, (r.ru_utime+r.ru_stime)*1000)';
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', probe, ...command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`rusage probe failed: ${err}`));
      const [rss, cpu] = out.trim().split(' ').map(Number);
      resolve({ rssKib: rss, cpuMs: cpu });
    });
  });
}

const rows = [];
const row = (what, value, note = '') => rows.push([what, value, note]);
const summary = [];
const sentry = await startSentryServer();
// What cron gives a job: a minimal environment. (A developer's shell may carry settings such as
// NODE_EXTRA_CA_CERTS that add tens of milliseconds to every Node start, sentry-cli's launcher
// included, and would blur the comparison.)
const home = `${root}build/bench/home`;
mkdirSync(home, { recursive: true });
const env = { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', SENTRY_DSN: sentry.dsn, CRONMON_CACHE_DIR: `${root}build/bench/cache`, NO_COLOR: '1' };
const ms = (value) => `${value.toFixed(1)} ms`;
const haveSentryCli = existsSync(sentryCliNpm) && existsSync(sentryCliNative);
if (!haveSentryCli) console.warn('sentry-cli (@sentry/cli) is not installed: its comparisons are skipped (npm ci installs it)');

// For start-up, the server runs in its own process (`cronmon listen`), so that answering never
// waits on this one.
async function startListener() {
  const listener = spawn(node, [cli, 'listen', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const dsn = await new Promise((resolve) => {
    let seen = '';
    listener.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /"dsn":"([^"]+)"/.exec(seen);
      if (match) resolve(match[1]);
    });
  });
  listener.stdout.resume();
  return { dsn, stop: () => listener.kill('SIGTERM') };
}
const listener = await startListener();

try {
  // Start-up: every variant wraps `true` and sends two check-ins to the same local server.
  const startEnv = { ...env, SENTRY_DSN: listener.dsn };
  const variants = {
    true: [['true'], env],
    nodeE0: [[node, '-e', '0'], env],
    cronmon: [[node, cli, 'exec', '--slug', 'bench-true', '--', 'true'], startEnv],
    // cronmon's own cost, without the two round trips to the server.
    cronmonNoDsn: [[node, cli, 'exec', '--slug', 'bench-true', '-q', '--dry-run', '--', 'true'], env],
  };
  if (existsSync(sea)) variants.sea = [[sea, 'exec', '--slug', 'bench-sea', '--', 'true'], startEnv];
  if (haveSentryCli) {
    variants.sentryCliNpm = [[sentryCliNpm, 'monitors', 'run', 'bench-sc', '--', 'true'], startEnv];
    variants.sentryCliNative = [[sentryCliNative, 'monitors', 'run', 'bench-scn', '--', 'true'], startEnv];
  }
  const startup = await interleaved(variants, rounds);
  const adds = (name) => startup[name] - startup.true;
  row('bare `true`', ms(startup.true), `median of ${rounds}, interleaved`);
  row('`node -e 0`', ms(startup.nodeE0), `adds ${ms(adds('nodeE0'))}`);
  row('`cronmon exec -- true` (npm package)', ms(startup.cronmon), `adds ${ms(adds('cronmon'))}; ${ms(adds('cronmon') - adds('nodeE0'))} over node -e 0`);
  row('`cronmon exec --dry-run -- true` (no network)', ms(startup.cronmonNoDsn), `adds ${ms(adds('cronmonNoDsn'))}; ${ms(adds('cronmonNoDsn') - adds('nodeE0'))} over node -e 0`);
  if (variants.sea) row('`cronmon exec -- true` (single executable)', ms(startup.sea), `adds ${ms(adds('sea'))}`);
  if (haveSentryCli) {
    row('`sentry-cli monitors run -- true` (npm package)', ms(startup.sentryCliNpm), `adds ${ms(adds('sentryCliNpm'))}; cronmon/sentry-cli = ${(adds('cronmon') / adds('sentryCliNpm')).toFixed(2)}`);
    row('`sentry-cli monitors run -- true` (native binary)', ms(startup.sentryCliNative), `adds ${ms(adds('sentryCliNative'))}; cronmon/native = ${(adds('cronmon') / adds('sentryCliNative')).toFixed(1)}`);
    summary.push(`exec adds ${ms(adds('cronmon'))} = ${(adds('cronmon') / adds('sentryCliNpm')).toFixed(2)} × sentry-cli (npm), ${ms(adds('cronmon') - adds('nodeE0'))} over node -e 0`);
  } else {
    summary.push(`exec adds ${ms(adds('cronmon'))}, ${ms(adds('cronmon') - adds('nodeE0'))} over node -e 0`);
  }

  const tiny = await rusage([node, cli, 'exec', '--slug', 'bench-rss', '--', 'true'], env);
  row('peak RSS, tiny job', `${(tiny.rssKib / 1024).toFixed(1)} MiB`);

  if (process.env.BENCH_GIB !== '0') {
    const head = (bytes) => `head -c ${bytes} /dev/zero`;
    const io = await interleaved(
      {
        bare: [['sh', '-c', `${head(GIB)} > /dev/null`], env],
        pipe: [['sh', '-c', `${head(GIB)} | cat > /dev/null`], env],
        cronmon: [[node, cli, 'exec', '--slug', 'bench-io', '--', 'head', '-c', String(GIB), '/dev/zero'], env],
      },
      ioRounds,
    );
    const rate = (time) => `${(GIB / MIB / (time / 1000)).toFixed(0)} MiB/s`;
    row('1 GiB, bare (no copy)', rate(io.bare), `median of ${ioRounds}`);
    row('1 GiB, through a pipe (`cat`)', rate(io.pipe));
    row('1 GiB, through `cronmon exec`', rate(io.cronmon), `${(io.pipe / io.cronmon).toFixed(2)} × pipe, ${(io.bare / io.cronmon).toFixed(2)} × bare`);
    for (const bytes of [100 * MIB, GIB]) {
      const big = await rusage([node, cli, 'exec', '--slug', 'bench-rss', '--', 'head', '-c', String(bytes), '/dev/zero'], env);
      row(`peak RSS, ${bytes / MIB} MiB of output`, `${(big.rssKib / 1024).toFixed(1)} MiB`);
    }
    summary.push(`1 GiB at ${(io.pipe / io.cronmon).toFixed(2)} × pipe`);
  }

  // 100 runs at once against one server: every check-in must arrive.
  const before = sentry.checkIns().length;
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: 100 }, (_, i) => timeRun([node, cli, 'exec', '--slug', `bench-many-${i}`, '--', 'true'], env)));
  const arrived = sentry.checkIns().length - before;
  row('100 concurrent `exec` runs', ms(performance.now() - started), `${runs.filter((r) => r.code === 0).length} exited 0; ${arrived}/200 check-ins arrived`);

  // Faults: what a run adds when Sentry is slow (answers after 10 s) or never answers.
  const faultRuns = [
    ['slow (10 s)', () => ({ kind: 'slow', delayMs: 10_000 })],
    ['black-holed', () => ({ kind: 'blackhole' })],
  ];
  for (const [name, fault] of faultRuns) {
    sentry.setFault(fault);
    try {
      const own = await timeRun([node, cli, 'exec', '--slug', 'bench-fault', '--send-timeout', '1s', '--', 'true'], env);
      const ours = `${ms(own.ms)} with --send-timeout 1s`;
      if (haveSentryCli) {
        const theirs = await timeRun([sentryCliNative, 'monitors', 'run', 'bench-fault', '--', 'true'], env, 45_000);
        row(`Sentry ${name}: time of a wrapped \`true\``, ours, `sentry-cli: ${theirs.killed ? '> 45 s (killed)' : ms(theirs.ms)}`);
      } else {
        row(`Sentry ${name}: time of a wrapped \`true\``, ours);
      }
    } finally {
      sentry.setFault(undefined);
    }
  }

  // monitors list over 1,000 monitors (10 pages), each API request taking 30 ms as over a network.
  sentry.api.seed(1000);
  sentry.setFault((request) => (request.url.pathname.startsWith('/api/0/') ? { kind: 'slow', delayMs: 30 } : undefined));
  const apiEnv = { ...env, SENTRY_URL: sentry.url, SENTRY_AUTH_TOKEN: sentry.token, SENTRY_ORG: sentry.org };
  const requestsBefore = sentry.api.requests.length;
  const connectionsBefore = sentry.connections();
  const list = await timeRun([node, cli, 'monitors', 'list'], apiEnv);
  const requests = sentry.api.requests.length - requestsBefore;
  // Counted at the server: keep-alive carries every page over the connection of the first request.
  const connections = sentry.connections() - connectionsBefore;
  const usage = await rusage([node, cli, 'monitors', 'list'], apiEnv);
  sentry.setFault(undefined);
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  row('`monitors list`, 1,000 monitors', ms(list.ms), `${plural(requests, 'request')} over ${plural(connections, 'connection')}, 30 ms latency each = ${requests * 30} ms; cronmon CPU ${ms(usage.cpuMs)}`);
  summary.push(`monitors list: ${ms(list.ms)} for ${plural(requests, 'request')} over ${plural(connections, 'connection')}`);

  const width = Math.max(...rows.map(([what]) => what.length));
  console.log(`cronmon bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / GIB).toFixed(0)} GiB`);
  console.log(`| ${'measure'.padEnd(width)} | value | note |\n|${'-'.repeat(width + 2)}|---|---|`);
  for (const [what, value, note] of rows) console.log(`| ${what.padEnd(width)} | ${value} | ${note} |`);
  console.log(`summary: ${summary.join('; ')}`);
} finally {
  listener.stop();
  await sentry.close();
}
