// A Map that forgets the entries used least recently beyond a size: what a receiver remembers
// per sender-chosen key (check-in ids, slugs) must not grow without end.
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  // Looking an entry up counts as using it: it moves to the end of the order.
  override has(key: K): boolean {
    if (!super.has(key)) return false;
    this.set(key, super.get(key) as V);
    return true;
  }

  override get(key: K): V | undefined {
    return this.has(key) ? super.get(key) : undefined;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.limit) super.delete(this.keys().next().value as K);
    return this;
  }
}
