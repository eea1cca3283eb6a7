// Bundles the CLI into one CommonJS file, dist/cronmon.cjs: it starts faster than ES modules or
// split chunks, Node's compile cache (22.1+) can keep its bytecode, and the single executable
// uses the same file. Subcommands still load lazily: esbuild keeps each `import()` as a
// function that only runs when the subcommand does.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/cronmon.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // cosmiconfig's loader for TypeScript configs; cronmon does not search for those (9 MB).
  external: ['typescript'],
});
