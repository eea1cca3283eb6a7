import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledExecutable, RUNTIME } from '../../src/util/runtime.js';
import { probePipe, type PipeProbe } from '../fixtures/read-pipe.js';

const BUN = fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url));
const PROBE = fileURLToPath(new URL('../fixtures/read-pipe.ts', import.meta.url));
const SIZE = 5 * 1024 * 1024 + 3;

it('names Node and its version under Node, and is no compiled executable', () => {
  expect(RUNTIME).toBe(`node ${process.version}`);
  expect(compiledExecutable()).toBeUndefined();
});

// The probe reads /proc: Linux only.
describe.runIf(process.platform === 'linux')('on Node', () => {
  it('reads a job pipe to its end, closes it, and a writer meets SIGPIPE once reading stops', async () => {
    // Every chunk was released at once, so every read went into the same buffer.
    expect(await probePipe(SIZE)).toEqual<PipeProbe>({ runtime: RUNTIME, bytes: SIZE, closedAtEnd: true, writerSignal: 'SIGPIPE', kind: 'fifo', buffers: 1 });
  });
});

// Bun (the single executable's runtime, a dev dependency) runs the same module from source.
describe.runIf(process.platform === 'linux' && existsSync(BUN))('on Bun', () => {
  it('reads a job pipe to its end, closes it, and a writer meets SIGPIPE once reading stops', () => {
    const result = spawnSync(BUN, [PROBE, String(SIZE)], { encoding: 'utf8', timeout: 20_000 });
    expect(result.stderr).toBe('');
    const probe = JSON.parse(result.stdout) as PipeProbe;
    expect(probe.runtime).toMatch(/^bun \d+\.\d+\.\d+$/);
    // Linux: a pipe made by pipe2(2), no FIFO and no mkfifo process.
    expect(probe).toMatchObject({ bytes: SIZE, closedAtEnd: true, writerSignal: 'SIGPIPE', kind: 'pipe' });
  });
});
