// The last `capacity` bytes of a stream of chunks, in a ring allocated once: a job that writes
// gigabytes costs the same memory as one that writes a line.
export class TailBuffer {
  readonly #capacity: number;
  #ring: Buffer | undefined;
  // Where the next byte goes; once the ring has wrapped it is also where the oldest byte sits.
  #next = 0;
  #total = 0;

  constructor(capacity: number) {
    this.#capacity = Math.max(0, Math.floor(capacity));
  }

  get totalBytes(): number {
    return this.#total;
  }

  write(chunk: Uint8Array): void {
    const length = chunk.byteLength;
    this.#total += length;
    const capacity = this.#capacity;
    if (capacity === 0 || length === 0) return;
    // Not pooled: the ring lives as long as the job, and sharing a slab would pin it.
    const ring = (this.#ring ??= Buffer.allocUnsafeSlow(capacity));
    if (length >= capacity) {
      // Only the end of a large chunk can survive, so copy nothing else.
      ring.set(chunk.subarray(length - capacity));
      this.#next = 0;
      return;
    }
    const first = Math.min(length, capacity - this.#next);
    ring.set(first === length ? chunk : chunk.subarray(0, first), this.#next);
    if (first < length) ring.set(chunk.subarray(first), 0);
    this.#next = (this.#next + length) % capacity;
  }

  // The kept bytes, oldest first, as a copy the caller owns.
  snapshot(): Buffer {
    const ring = this.#ring;
    if (!ring) return Buffer.alloc(0);
    if (this.#total <= this.#capacity) return Buffer.from(ring.subarray(0, this.#total));
    const ordered = Buffer.concat([ring.subarray(this.#next), ring.subarray(0, this.#next)], this.#capacity);
    // The cut may have split a UTF-8 character: start at the next character boundary instead.
    let start = 0;
    while (start < 3 && start < ordered.length && ((ordered[start] ?? 0) & 0xc0) === 0x80) start++;
    return start === 0 ? ordered : ordered.subarray(start);
  }
}
