// `npm run bench`: cronmon's costs, measured against the baselines of the performance notes.
// Medians over interleaved runs (A B C A B C …), so a busy machine hurts every variant alike.
// BENCH_RUNS sets the rounds for start-up (default 30); BENCH_GIB=0 skips the 1 GiB runs.
// The single executable is build/cronmon-<platform>-<arch> (npm run build:binary), or CRONMON_BIN.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = `${root}bin/cronmon`;
const binary = process.env.CRONMON_BIN ?? `${root}build/cronmon-${process.platform}-${process.arch}`;
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
await build({
  entryPoints: [`${root}test/support/sentry-server.ts`],
  outfile: `${root}build/bench/sentry-server.mjs`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  logLevel: 'warning',
});
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

// Peak RSS (KiB) of a command (the largest process of its tree) and its CPU time (ms), from
// wait4's rusage. GNU time forks the command from a process of about 1 MiB; a Python probe, the
// fallback, forks it from one of about 10 MiB, and a child's peak RSS starts at its parent's.
// Asynchronous: the server that answers the command runs in this process.
const gnuTime = ['/usr/bin/time', '/bin/time'].find((file) => existsSync(file));
if (!gnuTime) console.warn('no GNU time (apt-get install time): peak RSS figures include about 10 MiB of the Python probe');
function rusage(command, env) {
  const probe =
    'import resource,subprocess,sys\nsubprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True)\nr=resource.getrusage(resource.RUSAGE_CHILDREN)\nprint(r.ru_maxrss, (r.ru_utime+r.ru_stime)*1000)';
  const [file, ...args] = gnuTime ? [gnuTime, '-f', '%M %U %S', ...command] : ['python3', '-c', probe, ...command];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', gnuTime ? 'ignore' : 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`rusage probe failed: ${err}`));
      if (!gnuTime) {
        const [rss, cpu] = out.trim().split(' ').map(Number);
        return resolve({ rssKib: rss, cpuMs: cpu });
      }
      const [rss, user, system] = err.trim().split('\n').at(-1).split(' ').map(Number);
      resolve({ rssKib: rss, cpuMs: (user + system) * 1000 });
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
const haveBinary = existsSync(binary);
if (!haveBinary) console.warn(`${binary} not found: the single executable is skipped (npm run build:binary)`);
// The two ways to run cronmon: the npm package (bin/cronmon on node) and the single executable.
const runtimes = { npm: [node, cli], ...(haveBinary ? { binary: [binary] } : {}) };
const runtimeName = { npm: 'npm package', binary: 'single executable' };

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
  if (haveBinary) {
    variants.binary = [[binary, 'exec', '--slug', 'bench-binary', '--', 'true'], startEnv];
    variants.binaryNoDsn = [[binary, 'exec', '--slug', 'bench-binary', '-q', '--dry-run', '--', 'true'], env];
  }
  if (haveSentryCli) {
    variants.sentryCliNpm = [[sentryCliNpm, 'monitors', 'run', 'bench-sc', '--', 'true'], startEnv];
    variants.sentryCliNative = [[sentryCliNative, 'monitors', 'run', 'bench-scn', '--', 'true'], startEnv];
  }
  const startup = await interleaved(variants, rounds);
  const adds = (name) => startup[name] - startup.true;
  row('bare `true`', ms(startup.true), `median of ${rounds}, interleaved`);
  row('`node -e 0`', ms(startup.nodeE0), `adds ${ms(adds('nodeE0'))}`);
  row('`cronmon exec -- true` (npm package)', ms(startup.cronmon), `adds ${ms(adds('cronmon'))}; ${ms(adds('cronmon') - adds('nodeE0'))} over node -e 0`);
  row(
    '`cronmon exec --dry-run -- true` (no network)',
    ms(startup.cronmonNoDsn),
    `adds ${ms(adds('cronmonNoDsn'))}; ${ms(adds('cronmonNoDsn') - adds('nodeE0'))} over node -e 0`,
  );
  if (haveBinary) {
    const versusNative = haveSentryCli ? `; binary/native = ${(adds('binary') / adds('sentryCliNative')).toFixed(2)}` : '';
    row('`cronmon exec -- true` (single executable)', ms(startup.binary), `adds ${ms(adds('binary'))}${versusNative}`);
    row('`cronmon exec --dry-run -- true` (single executable, no network)', ms(startup.binaryNoDsn), `adds ${ms(adds('binaryNoDsn'))}`);
  }
  if (haveSentryCli) {
    row(
      '`sentry-cli monitors run -- true` (npm package)',
      ms(startup.sentryCliNpm),
      `adds ${ms(adds('sentryCliNpm'))}; cronmon/sentry-cli = ${(adds('cronmon') / adds('sentryCliNpm')).toFixed(2)}`,
    );
    row(
      '`sentry-cli monitors run -- true` (native binary)',
      ms(startup.sentryCliNative),
      `adds ${ms(adds('sentryCliNative'))}; cronmon/native = ${(adds('cronmon') / adds('sentryCliNative')).toFixed(1)}`,
    );
    summary.push(
      `exec adds ${ms(adds('cronmon'))} = ${(adds('cronmon') / adds('sentryCliNpm')).toFixed(2)} × sentry-cli (npm), ${ms(adds('cronmon') - adds('nodeE0'))} over node -e 0`,
    );
    if (haveBinary)
      summary.push(
        `binary adds ${ms(adds('binary'))} = ${(adds('binary') / adds('sentryCliNative')).toFixed(2)} × sentry-cli native (${ms(adds('sentryCliNative'))})`,
      );
  } else {
    summary.push(`exec adds ${ms(adds('cronmon'))}, ${ms(adds('cronmon') - adds('nodeE0'))} over node -e 0`);
  }

  const mib = (usage) => `${(usage.rssKib / 1024).toFixed(1)} MiB`;
  const tinyRss = {};
  for (const [name, command] of Object.entries(runtimes)) {
    tinyRss[name] = await rusage([...command, 'exec', '--slug', 'bench-rss', '--', 'true'], env);
    row(`peak RSS, tiny job (${runtimeName[name]})`, mib(tinyRss[name]));
  }
  if (haveSentryCli) row('peak RSS, tiny job (sentry-cli native)', mib(await rusage([sentryCliNative, 'monitors', 'run', 'bench-rss-scn', '--', 'true'], env)));
  if (haveBinary) summary.push(`binary peak RSS ${mib(tinyRss.binary)}`);

  if (process.env.BENCH_GIB !== '0') {
    const head = (bytes) => `head -c ${bytes} /dev/zero`;
    const ioVariants = {
      bare: [['sh', '-c', `${head(GIB)} > /dev/null`], env],
      pipe: [['sh', '-c', `${head(GIB)} | cat > /dev/null`], env],
    };
    for (const [name, command] of Object.entries(runtimes))
      ioVariants[name] = [[...command, 'exec', '--slug', 'bench-io', '--', 'head', '-c', String(GIB), '/dev/zero'], env];
    const io = await interleaved(ioVariants, ioRounds);
    const rate = (time) => `${(GIB / MIB / (time / 1000)).toFixed(0)} MiB/s`;
    row('1 GiB, bare (no copy)', rate(io.bare), `median of ${ioRounds}`);
    row('1 GiB, through a pipe (`cat`)', rate(io.pipe));
    const gib = [];
    for (const [name, command] of Object.entries(runtimes)) {
      row(
        `1 GiB, through \`cronmon exec\` (${runtimeName[name]})`,
        rate(io[name]),
        `${(io.pipe / io[name]).toFixed(2)} × pipe, ${(io.bare / io[name]).toFixed(2)} × bare`,
      );
      const peaks = [];
      for (const bytes of [100 * MIB, GIB]) {
        const big = await rusage([...command, 'exec', '--slug', 'bench-rss', '--', 'head', '-c', String(bytes), '/dev/zero'], env);
        row(`peak RSS, ${bytes / MIB} MiB of output (${runtimeName[name]})`, mib(big));
        peaks.push(mib(big));
      }
      gib.push(`${name} ${(io.pipe / io[name]).toFixed(2)} × pipe, RSS ${peaks.join(' / ')}`);
    }
    summary.push(`1 GiB: ${gib.join('; ')}`);
  }

  // 100 runs at once against one server, each a wrapped `sleep 0.2` with its own slug: every
  // check-in must arrive.
  const many = async (name, run) => {
    const before = sentry.checkIns().length;
    const started = performance.now();
    const runs = await Promise.all(Array.from({ length: 100 }, (_, i) => timeRun(run(i), env)));
    const wall = performance.now() - started;
    const arrived = sentry.checkIns().length - before;
    row(`100 concurrent wrapped \`sleep 0.2\` (${name})`, ms(wall), `${runs.filter((r) => r.code === 0).length} exited 0; ${arrived}/200 check-ins arrived`);
    return { wall, arrived };
  };
  const concurrent = {};
  for (const [name, command] of Object.entries(runtimes))
    concurrent[name] = await many(runtimeName[name], (i) => [...command, 'exec', '--slug', `bench-many-${name}-${i}`, '--', 'sleep', '0.2']);
  if (haveSentryCli) {
    concurrent.sentryCli = await many('sentry-cli native', (i) => [sentryCliNative, 'monitors', 'run', `bench-many-scn-${i}`, '--', 'sleep', '0.2']);
    for (const [name, result] of Object.entries(concurrent)) {
      if (name !== 'sentryCli')
        summary.push(`100 at once: ${name} ${(result.wall / concurrent.sentryCli.wall).toFixed(2)} × sentry-cli, ${result.arrived}/200`);
    }
  }

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
  row(
    '`monitors list`, 1,000 monitors',
    ms(list.ms),
    `${plural(requests, 'request')} over ${plural(connections, 'connection')}, 30 ms latency each = ${requests * 30} ms; cronmon CPU ${ms(usage.cpuMs)}`,
  );
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
