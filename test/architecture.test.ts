import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Dependencies point one way: cli → commands → {run, sentry, crontab, receiver, completion,
// doctor} → {config, monitor} → util. A module may import its own directory and any lower layer,
// never a higher one. Sideways: a run sends envelopes (run → sentry), doctor checks the way to
// Sentry (doctor → sentry), and the config file holds monitor settings (config → monitor).
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const LAYERS: Record<string, number> = {
  cli: 0,
  commands: 1,
  run: 2,
  sentry: 2,
  crontab: 2,
  receiver: 2,
  completion: 2,
  doctor: 2,
  config: 3,
  monitor: 3,
  util: 4,
};
const ALLOWED_SIDEWAYS = new Set(['run→sentry', 'doctor→sentry', 'config→monitor']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const layerOf = (file: string): string => relative(SRC, file).split('/')[0] ?? '';

describe('the source tree', () => {
  it('imports only downwards', () => {
    const wrong: string[] = [];
    for (const file of sources(SRC)) {
      const from = layerOf(file);
      if (from === 'main.ts') continue;
      const text = readFileSync(file, 'utf8');
      for (const [, spec = ''] of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const to = layerOf(resolve(dirname(file), spec));
        if (to === from || ALLOWED_SIDEWAYS.has(`${from}→${to}`)) continue;
        const [a, b] = [LAYERS[from], LAYERS[to]];
        if (a === undefined || b === undefined || b <= a) wrong.push(`${relative(SRC, file)} imports ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps every file under 300 lines', () => {
    const long = sources(SRC).filter((file) => readFileSync(file, 'utf8').split('\n').length > 301);
    expect(long.map((file) => relative(SRC, file))).toEqual([]);
  });

  it('has a layer for every directory', () => {
    const dirs = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
    expect(dirs.filter((dir) => LAYERS[dir] === undefined)).toEqual([]);
  });
});
