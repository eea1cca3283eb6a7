// `npm run build:binary`: cronmon as single executables, one file per platform that runs without
// Node or node_modules: build/cronmon-<target>, and build/SHA256SUMS beside them. Each is the
// bundle (dist/cronmon.cjs, scripts/build.mjs) compiled by Bun (`bun build --compile`, with
// bytecode and minified) into that platform's Bun runtime. Bun is a pinned dev dependency; the
// runtimes of the other platforms are its registry packages (@oven/bun-<platform>), fetched with
// npm and checked against the integrity package-lock.json records. Nothing else is downloaded.
//
// `npm run build:binary -- linux-x64 darwin-arm64` builds only those targets.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = `${root}build`;
const runtimes = `${build}/bun-runtimes`;

// cronmon's name for a target, and the Bun package that holds its runtime.
const TARGETS = {
  'linux-x64': 'bun-linux-x64',
  'linux-arm64': 'bun-linux-aarch64',
  'linux-x64-musl': 'bun-linux-x64-musl',
  'darwin-x64': 'bun-darwin-x64',
  'darwin-arm64': 'bun-darwin-aarch64',
};

const lock = JSON.parse(readFileSync(`${root}package-lock.json`, 'utf8'));
const bunVersion = lock.packages['node_modules/bun']?.version;
if (!bunVersion) fail('bun is not in package-lock.json: npm install -D --save-exact bun');
const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in TARGETS)) fail(`unknown target ${name}; known: ${Object.keys(TARGETS).join(', ')}`);
const targets = wanted.length > 0 ? wanted : Object.keys(TARGETS);

const bun = hostBun();
// npm installed the one runtime package that fits this machine: that target needs no other.
const hostTarget = Object.keys(TARGETS).find((target) => existsSync(`${root}node_modules/@oven/${TARGETS[target]}`));
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
mkdirSync(build, { recursive: true });
// The Node single executable this replaces, where an older build left one.
rmSync(`${build}/cronmon`, { force: true });
rmSync(`${build}/cronmon.blob`, { force: true });
rmSync(`${build}/sea-config.json`, { force: true });

const sums = [];
for (const target of targets) {
  const file = `cronmon-${target}`;
  const output = `${build}/${file}`;
  const compiled = spawnSync(
    bun,
    [
      'build',
      'dist/cronmon.cjs',
      '--compile',
      '--bytecode',
      '--minify',
      `--target=bun-${target}`,
      `--compile-executable-path=${target === hostTarget ? bun : runtimeOf(target)}`,
      `--outfile=${output}`,
      // cronmon's configuration is its own: a .env or bunfig.toml in the directory a job runs in
      // must neither change its settings nor run code.
      '--no-compile-autoload-dotenv',
      '--no-compile-autoload-bunfig',
      // cosmiconfig's loader for TypeScript configs; cronmon does not search for those.
      '--external=typescript',
      // A run is over in milliseconds: code that would get hot enough for the JIT at the normal
      // thresholds is compiled for nothing, on threads of its own. A hundredfold threshold takes
      // ~3.5 ms of CPU and ~2 ms of wall time off a wrapped `true` and 3 MiB off its peak RSS;
      // the 1 GiB pump is not slower (measured, interleaved, against the default).
      '--compile-jit-policy=100',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (compiled.status !== 0) fail(`bun build for ${target} failed:\n${compiled.stdout}${compiled.stderr}`);
  sums.push(`${createHash('sha256').update(readFileSync(output)).digest('hex')}  ${file}`);
  console.log(`build/${file} (${(statSync(output).size / 1e6).toFixed(1)} MB, bun ${bunVersion})`);
}
// Only what this run built: an old file of a target left out is not vouched for.
writeFileSync(`${build}/SHA256SUMS`, `${sums.join('\n')}\n`);
if (hostTarget && targets.includes(hostTarget)) console.log(execFileSync(`${build}/cronmon-${hostTarget}`, ['--version'], { encoding: 'utf8' }).trim());

// The bun that builds: the dev dependency's, for this machine.
function hostBun() {
  // bun's install script moves the runtime from @oven/bun-<platform> into bun/bin/bun.exe; with
  // install scripts off, it is still in the platform package.
  const candidates = [`${root}node_modules/bun/bin/bun.exe`, ...Object.values(TARGETS).map((pkg) => `${root}node_modules/@oven/${pkg}/bin/bun`)];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (version.status === 0 && version.stdout.trim() === bunVersion) return candidate;
  }
  return fail(`no bun ${bunVersion} for ${process.platform}-${process.arch} in node_modules: run npm ci`);
}

// The Bun runtime a target's executable is made of: its registry package, fetched once into
// build/bun-runtimes/ and checked against package-lock.json's integrity.
function runtimeOf(target) {
  const pkg = `@oven/${TARGETS[target]}`;
  const recorded = lock.packages[`node_modules/${pkg}`];
  if (recorded?.version !== bunVersion || !recorded.integrity) fail(`${pkg}@${bunVersion} is not in package-lock.json`);
  const dir = `${runtimes}/${TARGETS[target]}-${bunVersion}`;
  const binary = `${dir}/package/bin/bun`;
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const packed = JSON.parse(execFileSync('npm', ['pack', `${pkg}@${bunVersion}`, '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }));
  const tarball = `${dir}/${packed[0].filename}`;
  const [algorithm, expected] = recorded.integrity.split('-');
  const actual = createHash(algorithm).update(readFileSync(tarball)).digest('base64');
  if (actual !== expected) {
    rmSync(dir, { recursive: true, force: true });
    fail(`${pkg}@${bunVersion}: the tarball's ${algorithm} is ${actual}, package-lock.json says ${expected}`);
  }
  execFileSync('tar', ['-xzf', tarball, '-C', dir, 'package/bin/bun']);
  rmSync(tarball);
  return binary;
}

function fail(message) {
  console.error(`build:binary: ${message}`);
  process.exit(1);
}
