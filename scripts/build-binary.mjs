// `npm run build:binary`: a single executable (Node SEA) for this platform, build/cronmon, that
// runs without Node or node_modules. It is this machine's node binary with dist/cronmon.cjs
// injected (postject); everything happens offline.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = `${root}build`;
const binary = `${build}/cronmon`;
const run = (file, args) => execFileSync(file, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

run(process.execPath, ['scripts/build.mjs']);
mkdirSync(build, { recursive: true });
writeFileSync(
  `${build}/sea-config.json`,
  JSON.stringify({ main: 'dist/cronmon.cjs', output: 'build/cronmon.blob', disableExperimentalSEAWarning: true }),
);
run(process.execPath, ['--experimental-sea-config', 'build/sea-config.json']);
copyFileSync(process.execPath, binary);
chmodSync(binary, 0o755);
// Optional: debug symbols are a tenth of node's size; the executable works either way.
if (spawnSync('strip', [binary]).status !== 0) console.log('strip not available: the binary keeps its symbols');
// postject warns about ELF note sections it does not need; only its exit status matters.
const inject = spawnSync(
  process.execPath,
  ['node_modules/postject/dist/cli.js', binary, 'NODE_SEA_BLOB', 'build/cronmon.blob', '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'],
  { cwd: root, encoding: 'utf8' },
);
if (inject.status !== 0) {
  process.stderr.write(inject.stdout + inject.stderr);
  process.exit(1);
}
const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
console.log(`build/cronmon ${version} (${(statSync(binary).size / 1e6).toFixed(1)} MB, ${process.platform}-${process.arch}, Node ${process.versions.node})`);
