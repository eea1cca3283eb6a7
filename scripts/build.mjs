// Bundles the CLI into dist/: one small entry file and lazily loaded chunks, so a run loads only
// the code its subcommand needs (start-up time is part of every cron run).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cronmon: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies (commander) call require() for node built-ins; ESM has none.
  banner: { js: "import{createRequire as __cronmonRequire}from'node:module';const require=__cronmonRequire(import.meta.url);" },
});
