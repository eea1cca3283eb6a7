import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pumpOutput } from '../../src/run/output-pump.js';
import { TailBuffer } from '../../src/run/tail-buffer.js';

// Every byte value, in an order that is not a simple repeat, with no trailing newline.
const byteAt = (i: number) => (i * 131 + (i >> 9)) & 255;
const pattern = (length: number) => Buffer.from(Array.from({ length }, (_, i) => byteAt(i)));

// A child script that writes `length` pattern bytes to `fd` in uneven writes.
const writer = (length: number, fd = 1) =>
  `{ const at = ${byteAt.toString()}; const b = Buffer.from(Array.from({ length: ${length} }, (_, i) => at(i)));` +
  `let o = 0, n = 1; const fs = require('fs');` +
  `while (o < b.length) { const e = Math.min(b.length, o + n); fs.writeSync(${fd}, b, o, e - o); o = e; n = (n * 7 + 13) % 200000 + 1; } }`;

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cronmon-pump-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function pumpToFile(source: Readable, tail: TailBuffer, name: string): Promise<Buffer> {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  try {
    await pumpOutput(source, fd, tail);
  } finally {
    closeSync(fd);
  }
  return readFileSync(path);
}

describe('pumpOutput', () => {
  it('forwards a child’s binary output byte for byte and keeps its tail', async () => {
    const length = 3 * 1024 * 1024 + 17;
    const child = spawn(process.execPath, ['-e', writer(length)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tail = new TailBuffer(102400);
    const written = await pumpToFile(child.stdout!, tail, 'out');
    const expected = pattern(length);
    expect(written.length).toBe(length);
    expect(written.equals(expected)).toBe(true);
    expect(tail.totalBytes).toBe(length);
    // The model's rule: a cut tail skips the continuation bytes it starts with.
    const end = expected.subarray(length - 102400);
    let skip = 0;
    while (skip < 3 && ((end[skip] ?? 0) & 0xc0) === 0x80) skip++;
    expect(tail.snapshot().equals(end.subarray(skip))).toBe(true);
    expect((await exited(child)).code).toBe(0);
  });

  it('pumps stdout and stderr to their own targets, into one tail', async () => {
    const child = spawn(process.execPath, ['-e', `${writer(300_000, 1)};${writer(200_000, 2)}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = new TailBuffer(1000);
    const [out, err] = await Promise.all([pumpToFile(child.stdout!, tail, 'out'), pumpToFile(child.stderr!, tail, 'err')]);
    expect(out.equals(pattern(300_000))).toBe(true);
    expect(err.equals(pattern(200_000))).toBe(true);
    expect(tail.totalBytes).toBe(500_000);
    // stderr was written last, so the combined tail ends with it.
    expect(pattern(200_000).subarray(-900).equals(tail.snapshot().subarray(-900))).toBe(true);
  });

  it('waits out a full non-blocking target instead of dropping output', async () => {
    // A Node-made pipe is non-blocking; its reader starts late, so writes meet EAGAIN first.
    const path = join(dir, 'slow');
    const reader = spawn('sh', ['-c', `sleep 0.3; cat > "${path}"`], { stdio: ['pipe', 'ignore', 'inherit'] });
    const targetFd = (reader.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    const length = 2 * 1024 * 1024;
    const child = spawn(process.execPath, ['-e', writer(length)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await pumpOutput(child.stdout!, targetFd, new TailBuffer(10));
    reader.stdin!.end();
    await exited(reader);
    expect(readFileSync(path).equals(pattern(length))).toBe(true);
  });

  it('ends the job with SIGPIPE, as without cronmon, when nobody reads the target', async () => {
    // A reader that closes its end of the pipe but stays alive, so the write end stays ours.
    const gone = spawn('sh', ['-c', 'exec 0<&-; echo closed; exec sleep 30'], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise((resolve) => gone.stdout!.once('data', resolve));
    const targetFd = (gone.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    const job = spawn('sh', ['-c', 'while :; do echo y; done'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const tail = new TailBuffer(100);
      await pumpOutput(job.stdout!, targetFd, tail);
      expect(await exited(job)).toEqual({ code: null, signal: 'SIGPIPE' });
      expect(tail.snapshot().toString()).toMatch(/^(y\n)*y?$/);
    } finally {
      job.kill();
      gone.kill();
      await exited(gone);
    }
  });

  it('keeps draining into the tail when the target fails for another reason', async () => {
    writeFileSync(join(dir, 'ro'), '');
    const fd = openSync(join(dir, 'ro'), 'r');
    const source = new PassThrough();
    const tail = new TailBuffer(100);
    const pumped = pumpOutput(source, fd, tail);
    source.write('first ');
    source.end('second');
    await pumped;
    closeSync(fd);
    expect(tail.snapshot().toString()).toBe('first second');
  });

  it('resolves, not rejects, when the source fails', async () => {
    const source = new PassThrough();
    const fd = openSync('/dev/null', 'w');
    const pumped = pumpOutput(source, fd, new TailBuffer(10));
    source.destroy(new Error('read failed'));
    await expect(pumped).resolves.toBeUndefined();
    closeSync(fd);
  });
});
