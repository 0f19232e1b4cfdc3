import { isUtf8 } from 'node:buffer';
import type { BodyHole } from '../../shared/exchange/exchange-record.ts';
import { isBinaryContentType } from './binary-content-type.ts';

/** A captured body as a record stores it: text, or base64 for bytes that are not text. */
export interface StoredBody {
  body: string;
  encoding?: 'base64';
  holes?: BodyHole[];
}

/**
 * Collects bytes up to a cap, counting (but not keeping) everything past it, and marking where
 * bytes that never arrived here (dropped by the capture queue) belong.
 */
export class CappedBytes {
  readonly #cap: number;
  #kept: Buffer = Buffer.alloc(0);
  #length = 0;
  #seen = 0;
  #skipped = 0;
  readonly #holes: BodyHole[] = [];
  /** The text of the kept bytes, made once: the analyzers and the record read it (16 MiB bodies). */
  #text: string | null = null;
  /** The size the body says it has (Content-Length), trusted up to SIZE_HINT_MAX, for the first buffer. */
  readonly #sizeHint: number;

  /** `sizeHint`: the body's declared length, when it has one. */
  constructor(cap: number, sizeHint = 0) {
    this.#cap = cap;
    this.#sizeHint = Number.isSafeInteger(sizeHint) && sizeHint > 0 ? Math.min(sizeHint, SIZE_HINT_MAX) : 0;
  }

  /** Bytes seen, kept, dropped before they got here, or past the cap. */
  get seen(): number {
    return this.#seen;
  }

  /** True when bytes past the cap were not kept (holes are not truncation). */
  get truncated(): boolean {
    return this.#seen - this.#skipped > this.#length;
  }

  /**
   * Keeps what fits under the cap. The bytes are copied: what is passed in may be a view into a
   * larger buffer (a whole batch of events) that must not be kept alive.
   */
  add(bytes: Uint8Array): void {
    this.#seen += bytes.byteLength;
    const take = Math.min(bytes.byteLength, this.#cap - this.#length);
    if (take <= 0) return;
    this.#text = null;
    if (this.#length + take > this.#kept.length) {
      // Doubling: a body that arrives in many small chunks is copied O(n) times in all, not O(n²);
      // a body of a declared length gets it at once (a 300 KB agent turn is then copied once).
      const first = this.#length === 0 ? this.#sizeHint : 0;
      const grown = Buffer.allocUnsafe(
        Math.min(this.#cap, Math.max(this.#length + take, this.#kept.length * 2, 256, first)),
      );
      this.#kept.copy(grown, 0, 0, this.#length);
      this.#kept = grown;
    }
    this.#kept.set(take === bytes.byteLength ? bytes : bytes.subarray(0, take), this.#length);
    this.#length += take;
  }

  /** Counts `bytes` that were lost on the way here, as a hole at the current end of the kept bytes. */
  skip(bytes: number): void {
    if (bytes <= 0) return;
    this.#seen += bytes;
    this.#skipped += bytes;
    // Past the cap nothing is kept anyway: the body says it is truncated.
    if (this.#length >= this.#cap) return;
    const last = this.#holes.at(-1);
    if (last?.at === this.#length) last.bytes += bytes;
    else this.#holes.push({ at: this.#length, bytes });
  }

  /** The kept bytes as UTF-8 text (a character cut by the cap or a hole becomes U+FFFD). */
  text(): string {
    this.#text ??= this.#kept.toString('utf8', 0, this.#length);
    return this.#text;
  }

  /**
   * The body as a record stores it: text when the content type allows text and the bytes are
   * UTF-8 (a character cut by the cap or a hole aside), else base64, losslessly.
   */
  stored(contentType: string | undefined): StoredBody {
    const binary = isBinaryContentType(contentType) || !this.#isText();
    const body: StoredBody = binary
      ? { body: this.#kept.toString('base64', 0, this.#length), encoding: 'base64' }
      : { body: this.text() };
    if (this.#holes.length > 0) body.holes = this.#holes.map((hole) => ({ ...hole }));
    return body;
  }

  /** Valid UTF-8 in every stretch between holes, allowing a character cut at a stretch's edges. */
  #isText(): boolean {
    const bytes = this.#kept.subarray(0, this.#length);
    let start = 0;
    for (const hole of [...this.#holes, { at: this.#length }]) {
      if (!isUtf8Stretch(bytes.subarray(start, hole.at), start > 0, hole.at < this.#length || this.truncated))
        return false;
      start = hole.at;
    }
    return true;
  }
}

/**
 * A declared length is believed up to this many bytes for the first buffer: a client that declares
 * more than it sends must not make the analysis reserve memory it never fills (past this, the
 * buffer grows by doubling as the bytes come).
 */
const SIZE_HINT_MAX = 1024 * 1024;

/** UTF-8, except that a cut may have left part of a character at the start (`cutStart`) or end. */
function isUtf8Stretch(bytes: Buffer, cutStart: boolean, cutEnd: boolean): boolean {
  let from = 0;
  let to = bytes.length;
  if (cutStart) while (from < Math.min(3, to) && ((bytes[from] as number) & 0xc0) === 0x80) from++;
  if (cutEnd) {
    // Walk back over continuation bytes to the last lead byte; drop it if its character is incomplete.
    let lead = to - 1;
    while (lead > from && to - lead < 4 && ((bytes[lead] as number) & 0xc0) === 0x80) lead--;
    const first = bytes[lead];
    if (first !== undefined && first >= 0xc0) {
      const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : 2;
      if (to - lead < length) to = lead;
    }
  }
  return isUtf8(bytes.subarray(from, to));
}
