// `npm run bench`: cronmon's costs, measured against the baselines of the performance notes.
// Medians over interleaved runs (A B C A B C …), so a busy machine hurts every variant alike.
// BENCH_RUNS sets the rounds for start-up (default 30); BENCH_GIB=0 skips the 1 GiB runs.
import { spawn, spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../bin/cronmon', import.meta.url));
const node = process.execPath;
const rounds = Number(process.env.BENCH_RUNS ?? 30);
const ioRounds = Number(process.env.BENCH_IO_RUNS ?? 3);
const devNull = openSync('/dev/null', 'w');
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function timeRun([file, ...args], env = process.env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { stdio: ['ignore', devNull, 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${[file, ...args].join(' ')} exited ${code}: ${stderr}`));
      else resolve(ms);
    });
  });
}

async function interleaved(variants, count) {
  const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < count; round++) {
    for (const [name, command] of Object.entries(variants)) times[name].push(await timeRun(...command));
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

// Peak RSS (KiB) of the largest process in a command's tree, from the kernel's rusage.
function peakRssKib(command, env) {
  const probe = 'import resource,subprocess,sys\nsubprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  const run = spawnSync('python3', ['-c', probe, ...command], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`peak RSS probe failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

async function startReceiver() {
  const listener = spawn(node, [cli, 'listen', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) => {
    let seen = '';
    listener.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /"url":"([^"]+)"/.exec(seen);
      if (match) resolve(match[1]);
    });
  });
  listener.stdout.resume();
  return { dsn: url.replace('//', '//public@') + '/1', stop: () => listener.kill('SIGTERM') };
}

const rows = [];
const row = (what, value, note = '') => rows.push([what, value, note]);
const receiver = await startReceiver();
const env = { ...process.env, SENTRY_DSN: receiver.dsn, CRONMON_CACHE_DIR: fileURLToPath(new URL('../build/bench-cache', import.meta.url)) };

try {
  const startup = await interleaved(
    {
      true: [['true']],
      nodeE0: [[node, '-e', '0']],
      cronmon: [[node, cli, 'exec', '--slug', 'bench-true', '--', 'true'], env],
    },
    rounds,
  );
  const cronmonOverhead = startup.cronmon - startup.true;
  const nodeOverhead = startup.nodeE0 - startup.true;
  row('bare `true`', `${startup.true.toFixed(1)} ms`, `median of ${rounds}`);
  row('`node -e 0`', `${startup.nodeE0.toFixed(1)} ms`, `adds ${nodeOverhead.toFixed(1)} ms`);
  row('`cronmon exec -- true` (2 check-ins)', `${startup.cronmon.toFixed(1)} ms`, `adds ${cronmonOverhead.toFixed(1)} ms`);
  row('cronmon overhead − node -e 0 overhead', `${(cronmonOverhead - nodeOverhead).toFixed(1)} ms`, "cronmon's own cost");

  const tinyRss = peakRssKib([node, cli, 'exec', '--slug', 'bench-rss', '--', 'true'], env);
  row('peak RSS, tiny job', `${(tinyRss / 1024).toFixed(1)} MiB`);

  if (process.env.BENCH_GIB !== '0') {
    const head = (bytes) => `head -c ${bytes} /dev/zero`;
    const io = await interleaved(
      {
        bare: [['sh', '-c', `${head(GIB)} > /dev/null`]],
        pipe: [['sh', '-c', `${head(GIB)} | cat > /dev/null`]],
        cronmon: [[node, cli, 'exec', '--slug', 'bench-io', '--', 'head', '-c', String(GIB), '/dev/zero'], env],
      },
      ioRounds,
    );
    const rate = (ms) => `${(GIB / MIB / (ms / 1000)).toFixed(0)} MiB/s`;
    row('1 GiB, bare (no copy)', rate(io.bare), `median of ${ioRounds}`);
    row('1 GiB, through a pipe (`| cat`)', rate(io.pipe));
    row('1 GiB, through `cronmon exec`', rate(io.cronmon), `${(io.pipe / io.cronmon).toFixed(2)} × pipe, ${(io.bare / io.cronmon).toFixed(2)} × bare`);
    for (const bytes of [100 * MIB, GIB]) {
      const rss = peakRssKib([node, cli, 'exec', '--slug', 'bench-rss', '--', 'head', '-c', String(bytes), '/dev/zero'], env);
      row(`peak RSS, ${bytes / MIB} MiB of output`, `${(rss / 1024).toFixed(1)} MiB`);
    }
    rows.summaryIo = io.pipe / io.cronmon;
  }

  const width = Math.max(...rows.map(([what]) => what.length));
  console.log(`cronmon bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / GIB).toFixed(0)} GiB`);
  console.log(`| ${'measure'.padEnd(width)} | value | note |\n|${'-'.repeat(width + 2)}|---|---|`);
  for (const [what, value, note] of rows) console.log(`| ${what.padEnd(width)} | ${value} | ${note} |`);
  const io = rows.summaryIo ? `, 1 GiB at ${rows.summaryIo.toFixed(2)} × pipe` : '';
  console.log(`summary: exec -- true adds ${cronmonOverhead.toFixed(1)} ms (${(cronmonOverhead - nodeOverhead).toFixed(1)} ms over node -e 0)${io}`);
} finally {
  receiver.stop();
}
