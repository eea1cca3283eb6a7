import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJobPipes } from '../../src/run/job-pipes.js';
import { pumpOutput, streamSource } from '../../src/run/output-pump.js';
import { TailBuffer } from '../../src/run/tail-buffer.js';
import { readPipe, type PipeHandlers } from '../../src/util/runtime.js';

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
  const target = createWriteStream(path);
  await pumpOutput(streamSource(source), target, tail).done;
  await new Promise((resolve) => target.end(resolve));
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

  // The job on a real pipe, read as exec reads it (on Node: into buffers that are read into again).
  const onJobPipe = (file: string, args: string[]) => {
    const [pipe] = openJobPipes(1) ?? [];
    const child = spawn(file, args, { stdio: ['ignore', pipe!.writeFd, 'inherit'] });
    closeSync(pipe!.writeFd);
    return { child, source: (handlers: PipeHandlers) => readPipe(pipe!.readFd, handlers) };
  };

  it('forwards a job pipe byte for byte and in order through a slow reader, and keeps its tail', async () => {
    // The reader starts late, so writes queue up while the pump reads on: a buffer read into
    // again before its write went out would show here as wrong bytes.
    const path = join(dir, 'slow-pipe');
    const reader = spawn('sh', ['-c', `sleep 0.3; cat > "${path}"`], { stdio: ['pipe', 'ignore', 'inherit'] });
    const length = 4 * 1024 * 1024 + 5;
    const { child, source } = onJobPipe(process.execPath, ['-e', writer(length)]);
    const tail = new TailBuffer(1000);
    await pumpOutput(source, reader.stdin!, tail).done;
    reader.stdin!.end();
    await exited(reader);
    const expected = pattern(length);
    expect(readFileSync(path).equals(expected)).toBe(true);
    expect(tail.totalBytes).toBe(length);
    expect(tail.snapshot().equals(expected.subarray(length - 1000))).toBe(true);
    expect((await exited(child)).code).toBe(0);
  });

  it('ends a job on a real pipe with SIGPIPE when nobody reads the target', async () => {
    const gone = spawn('sh', ['-c', 'exec 0<&-; echo closed; exec sleep 30'], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise((resolve) => gone.stdout!.once('data', resolve));
    const { child, source } = onJobPipe('sh', ['-c', 'while :; do echo y; done']);
    try {
      const tail = new TailBuffer(100);
      await pumpOutput(source, gone.stdin!, tail).done;
      expect(await exited(child)).toEqual({ code: null, signal: 'SIGPIPE' });
      expect(tail.snapshot().toString()).toMatch(/^(y\n)*y?$/);
    } finally {
      child.kill();
      gone.kill();
      await exited(gone);
    }
  });

  it('waits for a slow reader instead of dropping output', async () => {
    const path = join(dir, 'slow');
    const reader = spawn('sh', ['-c', `sleep 0.3; cat > "${path}"`], { stdio: ['pipe', 'ignore', 'inherit'] });
    const length = 2 * 1024 * 1024;
    const child = spawn(process.execPath, ['-e', writer(length)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await pumpOutput(streamSource(child.stdout!), reader.stdin!, new TailBuffer(10)).done;
    reader.stdin!.end();
    await exited(reader);
    expect(readFileSync(path).equals(pattern(length))).toBe(true);
  });

  it('waits for a target that asks to, also when it keeps its queue out of sight (Bun’s stdout)', async () => {
    const written: string[] = [];
    // write() says "wait", writableLength says nothing is queued, 'drain' comes when it comes.
    const target = Object.assign(new EventEmitter(), {
      destroyed: false,
      errored: null,
      writableLength: 0,
      write: (chunk: Buffer) => written.push(chunk.toString()) < 0,
    }) as unknown as Writable;
    const source = new PassThrough();
    const tail = new TailBuffer(100);
    const pumped = pumpOutput(streamSource(source), target, tail).done;
    for (const chunk of ['one ', 'two ', 'three']) source.write(chunk);
    source.end();
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    expect(written).toEqual(['one ']);
    expect(source.isPaused()).toBe(true);
    target.emit('drain');
    await settle();
    expect(written).toEqual(['one ', 'two ']);
    target.emit('drain');
    await settle();
    target.emit('drain');
    await pumped;
    expect(written.join('')).toBe('one two three');
    expect(tail.snapshot().toString()).toBe('one two three');
  });

  it('keeps the event loop free and memory flat while the reader has stalled', async () => {
    // A reader that never reads: the job fills the pipes and then blocks, as in a shell pipeline.
    const stalled = spawn('sleep', ['30'], { stdio: ['pipe', 'ignore', 'inherit'] });
    stalled.stdin!.on('error', () => {});
    // A real pipe, as exec gives a job: on a socket pair `yes` would die of ECONNRESET instead.
    const [pipe] = openJobPipes(1) ?? [];
    const job = spawn('yes', [], { stdio: ['ignore', pipe!.writeFd, 'inherit'] });
    closeSync(pipe!.writeFd);
    try {
      const tail = new TailBuffer(100);
      const pump = pumpOutput((handlers) => readPipe(pipe!.readFd, handlers), stalled.stdin!, tail);
      // Timers still fire while the target is full (a synchronous pump would block them).
      let ticks = 0;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (++ticks === 5) {
            clearInterval(timer);
            resolve();
          }
        }, 20);
      });
      const read = tail.totalBytes;
      expect(read).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Nothing more is read once the target is full: no buffering without bound.
      expect(tail.totalBytes).toBe(read);
      expect(stalled.stdin!.writableLength).toBeLessThanOrEqual(read);
      pump.stop();
      await pump.done;
      expect(await exited(job)).toEqual({ code: null, signal: 'SIGPIPE' });
    } finally {
      job.kill();
      stalled.kill();
      await exited(stalled);
    }
  });

  it('ends the job with SIGPIPE, as without cronmon, when nobody reads the target', async () => {
    // A reader that closes its end of the pipe but stays alive.
    const gone = spawn('sh', ['-c', 'exec 0<&-; echo closed; exec sleep 30'], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise((resolve) => gone.stdout!.once('data', resolve));
    const job = spawn('sh', ['-c', 'while :; do echo y; done'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const tail = new TailBuffer(100);
      await pumpOutput(streamSource(job.stdout!), gone.stdin!, tail).done;
      expect(await exited(job)).toEqual({ code: null, signal: 'SIGPIPE' });
      expect(tail.snapshot().toString()).toMatch(/^(y\n)*y?$/);
    } finally {
      job.kill();
      gone.kill();
      await exited(gone);
    }
  });

  it('keeps draining into the tail when the target fails for another reason', async () => {
    const full = new Writable({
      write: (_chunk, _encoding, callback) => callback(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })),
    });
    const source = new PassThrough();
    const tail = new TailBuffer(100);
    const pumped = pumpOutput(streamSource(source), full, tail).done;
    source.write('first ');
    await new Promise((resolve) => setImmediate(resolve));
    source.end('second');
    await pumped;
    expect(tail.snapshot().toString()).toBe('first second');
  });

  it('resolves, not rejects, when the source fails', async () => {
    const source = new PassThrough();
    const target = createWriteStream('/dev/null');
    const pumped = pumpOutput(streamSource(source), target, new TailBuffer(10)).done;
    source.destroy(new Error('read failed'));
    await expect(pumped).resolves.toBeUndefined();
    target.end();
  });
});
