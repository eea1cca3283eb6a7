// Bundles the CLI into one CommonJS file, dist/cronmon.cjs: it starts faster than ES modules or
// split chunks, Node's compile cache (22.1+) can keep its bytecode, and the single executable
// uses the same file. Subcommands still load lazily: esbuild keeps each `import()` as a
// function that only runs when the subcommand does.
//
// The bundle holds every package cronmon uses, so the npm package depends on none: their
// licences go with it, in dist/THIRD-PARTY-NOTICES, collected from what esbuild bundled.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url);
rmSync(new URL('dist', root), { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/cronmon.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // cosmiconfig's loader for TypeScript configs; cronmon does not search for those (9 MB).
  external: ['typescript'],
});
writeFileSync(new URL('dist/THIRD-PARTY-NOTICES', root), notices(bundledPackages(metafile)));
writeFileSync(new URL('dist/exec-words.json', root), `${JSON.stringify(await execWords())}\n`);

// exec's option words, from the flag declarations, for bin/unmonitored.js: on a Node.js too old
// for the bundle, it still has to tell exec's options from the job.
async function execWords() {
  const { outputFiles } = await build({
    entryPoints: ['src/config/command-flags.ts'],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'warning',
  });
  const { execWords: words } = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].contents).toString('base64')}`);
  return words();
}

// The directory of each package a bundled file came from (node_modules/name, node_modules/@scope/name).
function bundledPackages(meta) {
  const dirs = new Set();
  for (const input of Object.keys(meta.inputs)) {
    const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    if (dir !== undefined) dirs.add(dir);
  }
  return [...dirs].map((dir) => {
    const { name, version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((entry) => /^(licen[cs]e|copying)(\.md|\.txt)?$/i.test(entry));
    // A package whose licence cannot ship with it is not bundled unnoticed.
    if (file === undefined) throw new Error(`${name} ${version} has no LICENSE file to put in dist/THIRD-PARTY-NOTICES`);
    return { name, version, license, text: readFileSync(join(dir, file), 'utf8').trim() };
  });
}

function notices(packages) {
  const unique = [...new Map(packages.map((p) => [`${p.name}@${p.version}`, p])).values()];
  unique.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rule = '-'.repeat(72);
  const sections = unique.map((p) => `${rule}\n${p.name} ${p.version} (${p.license})\n${rule}\n\n${p.text}\n`);
  return `cronmon's bundle, dist/cronmon.cjs, contains code of the packages below, under these licences.\n\n${sections.join('\n')}`;
}
