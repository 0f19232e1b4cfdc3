/** Collects bytes up to a cap, counting (but not keeping) everything past it. */
export class CappedBytes {
  readonly #cap: number;
  readonly #parts: Uint8Array[] = [];
  #kept = 0;
  #seen = 0;

  constructor(cap: number) {
    this.#cap = cap;
  }

  /** Bytes seen, kept or not. */
  get seen(): number {
    return this.#seen;
  }

  get truncated(): boolean {
    return this.#seen > this.#kept;
  }

  /** Keeps what fits under the cap. The Buffer may be shared with the proxy: it is copied on the way in. */
  add(bytes: Uint8Array): void {
    this.#seen += bytes.byteLength;
    const room = this.#cap - this.#kept;
    if (room <= 0) return;
    const part = bytes.byteLength <= room ? bytes : bytes.subarray(0, room);
    this.#parts.push(part);
    this.#kept += part.byteLength;
  }

  /** The kept bytes as UTF-8 text (a character cut by the cap becomes U+FFFD). */
  text(): string {
    return Buffer.concat(this.#parts, this.#kept).toString('utf8');
  }
}
