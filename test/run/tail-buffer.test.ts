import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TailBuffer } from '../../src/run/tail-buffer.js';

// The reference: keep everything, then take the end and apply the same character-boundary rule.
function modelTail(chunks: readonly Uint8Array[], capacity: number): Buffer {
  const all = Buffer.concat(chunks);
  const kept = all.subarray(Math.max(0, all.length - capacity));
  if (all.length <= capacity) return Buffer.from(kept);
  let start = 0;
  while (start < 3 && start < kept.length && ((kept[start] ?? 0) & 0xc0) === 0x80) start++;
  return Buffer.from(kept.subarray(start));
}

const tailOf = (capacity: number, ...chunks: Uint8Array[]) => {
  const tail = new TailBuffer(capacity);
  for (const chunk of chunks) tail.write(chunk);
  return tail.snapshot();
};

// Plenty of UTF-8 continuation bytes, so the boundary rule is exercised and not only reached by luck.
const byte = fc.oneof(fc.integer({ min: 0x80, max: 0xbf }), fc.integer({ min: 0, max: 255 }));
const chunk = fc
  .oneof({ weight: 4, arbitrary: fc.array(byte, { maxLength: 300 }) }, { weight: 1, arbitrary: fc.array(byte, { minLength: 4000, maxLength: 6000 }) })
  .map((bytes) => Uint8Array.from(bytes));
const capacity = fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 4096), fc.integer({ min: 0, max: 4096 }));

describe('TailBuffer', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('keeps what the naive model keeps: the last bytes of everything written', () => {
    fc.assert(
      fc.property(capacity, fc.array(chunk, { maxLength: 25 }), (cap, chunks) => {
        const tail = new TailBuffer(cap);
        for (const piece of chunks) tail.write(piece);
        const snapshot = tail.snapshot();
        expect(snapshot.equals(modelTail(chunks, cap))).toBe(true);
        expect(snapshot.length).toBeLessThanOrEqual(cap);
        expect(tail.totalBytes).toBe(chunks.reduce((sum, piece) => sum + piece.length, 0));
      }),
      { numRuns: 300 },
    );
  });

  it('snapshots can be taken between writes without disturbing the ring', () => {
    fc.assert(
      fc.property(capacity, fc.array(chunk, { maxLength: 15 }), (cap, chunks) => {
        const tail = new TailBuffer(cap);
        chunks.forEach((piece, index) => {
          tail.write(piece);
          expect(tail.snapshot().equals(modelTail(chunks.slice(0, index + 1), cap))).toBe(true);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('starts a cut tail on a character boundary', () => {
    expect(tailOf(1, Buffer.from('aé')).toString()).toBe('');
    expect(tailOf(2, Buffer.from('a€')).toString()).toBe('');
    expect(tailOf(3, Buffer.from('a😀')).toString()).toBe('');
    expect(tailOf(4, Buffer.from('a😀')).toString()).toBe('😀');
    expect(tailOf(5, Buffer.from('日本語')).toString()).toBe('語');
    expect(tailOf(3, Buffer.from('ab€')).toString()).toBe('€');
  });

  it('drops at most three continuation bytes, so invalid text still shows', () => {
    expect([...tailOf(5, Uint8Array.of(0x41, 0x80, 0x80, 0x80, 0x80, 0x42))]).toEqual([0x80, 0x42]);
  });

  it('keeps a tail that was never cut exactly as written, even when it starts mid-character', () => {
    expect([...tailOf(4, Uint8Array.of(0x80, 0xa9, 0x41))]).toEqual([0x80, 0xa9, 0x41]);
    expect([...tailOf(3, Uint8Array.of(0x80), Uint8Array.of(0xa9, 0x41))]).toEqual([0x80, 0xa9, 0x41]);
  });

  it('keeps nothing with capacity 0 but still counts', () => {
    const tail = new TailBuffer(0);
    tail.write(Buffer.from('hello'));
    expect(tail.snapshot().length).toBe(0);
    expect(tail.totalBytes).toBe(5);
  });

  it('allocates its storage once, at capacity, however much is written', () => {
    const allocations = vi.spyOn(Buffer, 'allocUnsafeSlow');
    const tail = new TailBuffer(1000);
    const block = Buffer.alloc(65536, 0x61);
    for (let i = 0; i < 200; i++) {
      tail.write(block);
      tail.write(block.subarray(0, 777));
    }
    expect(allocations.mock.calls).toEqual([[1000]]);
    expect(tail.snapshot().length).toBe(1000);
    expect(tail.totalBytes).toBe(200 * (65536 + 777));
  });

  it('allocates nothing until something is written', () => {
    const allocations = vi.spyOn(Buffer, 'allocUnsafeSlow');
    const tail = new TailBuffer(102400);
    expect(tail.snapshot().length).toBe(0);
    tail.write(new Uint8Array(0));
    expect(allocations).not.toHaveBeenCalled();
  });

  it('copies only the end of a chunk larger than the capacity', () => {
    const big = Buffer.alloc(1 << 20, 0x61);
    big.write('the end', big.length - 7);
    const sliced = vi.spyOn(big, 'subarray');
    const tail = new TailBuffer(7);
    tail.write(big);
    expect(sliced.mock.calls).toEqual([[big.length - 7]]);
    expect(tail.snapshot().toString()).toBe('the end');
  });
});
