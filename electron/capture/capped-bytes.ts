/** Collects bytes up to a cap, counting (but not keeping) everything past it. */
export class CappedBytes {
  readonly #cap: number;
  #kept: Buffer = Buffer.alloc(0);
  #length = 0;
  #seen = 0;

  constructor(cap: number) {
    this.#cap = cap;
  }

  /** Bytes seen, kept or not. */
  get seen(): number {
    return this.#seen;
  }

  get truncated(): boolean {
    return this.#seen > this.#length;
  }

  /**
   * Keeps what fits under the cap. The bytes are copied: what is passed in may be a view into a
   * larger buffer (a whole batch of events) that must not be kept alive.
   */
  add(bytes: Uint8Array): void {
    this.#seen += bytes.byteLength;
    const take = Math.min(bytes.byteLength, this.#cap - this.#length);
    if (take <= 0) return;
    if (this.#length + take > this.#kept.length) {
      // Doubling: a body that arrives in many small chunks is copied O(n) times in all, not O(n²).
      const grown = Buffer.allocUnsafe(
        Math.min(this.#cap, Math.max(this.#length + take, this.#kept.length * 2, 256)),
      );
      this.#kept.copy(grown, 0, 0, this.#length);
      this.#kept = grown;
    }
    this.#kept.set(take === bytes.byteLength ? bytes : bytes.subarray(0, take), this.#length);
    this.#length += take;
  }

  /** The kept bytes as UTF-8 text (a character cut by the cap becomes U+FFFD). */
  text(): string {
    return this.#kept.toString('utf8', 0, this.#length);
  }
}
