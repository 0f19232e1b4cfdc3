/**
 * A session's search sidecar (`<session>.search.bin` beside its `.jsonl`): the trigram signature
 * of each exchange, fixed-size entries in file order, so search after a restart reads 268 bytes
 * per exchange instead of every record. Little-endian 32-bit words:
 *
 *   header  magic, SIGNATURE_VERSION, SIGNATURE_WORDS, count (entries written whole)
 *   entry   the byte offset of the exchange's line in the session file (low, high word), a
 *           check word (an FNV-1a of the others), then its SIGNATURE_WORDS words of signature
 *
 * Never trusted blindly: a reader takes an entry only when the header is this version's, the
 * entry is within both the count and the file's size, its offset is that of the session's
 * exchange at the same place and its check word matches (so a sidecar that is torn, damaged,
 * stale or of another session is caught); whatever is not taken is rebuilt from the records.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { FILE_MODE } from '../data-dir.ts';
import { SIGNATURE_VERSION, SIGNATURE_WORDS } from './trigram-signature.ts';

/** "TTSS" (Tokentap search signatures). */
const MAGIC = 0x53535454;
export const HEADER_WORDS = 4;
const COUNT_WORD = 3;
const HEADER_BYTES = HEADER_WORDS * 4;
/** Words per entry: the line's offset (two words), the check word, then the signature. */
export const ENTRY_WORDS = 3 + SIGNATURE_WORDS;
export const ENTRY_BYTES = ENTRY_WORDS * 4;
const TWO_32 = 2 ** 32;

/** The signature of an exchange that came without one: every bit set, so search never rules it out. */
export const MATCHES_ALL = new Uint32Array(SIGNATURE_WORDS).fill(0xffffffff);

/** The sidecar of a session's data file. */
export function sidecarPath(dataPath: string): string {
  return `${dataPath.replace(/\.jsonl$/, '')}.search.bin`;
}

/** Words of a sidecar holding `count` entries (header included). */
export function sidecarWords(count: number): number {
  return HEADER_WORDS + count * ENTRY_WORDS;
}

/** Where entry `i`'s signature starts in the words of a sidecar. */
export function signatureAt(i: number): number {
  return HEADER_WORDS + i * ENTRY_WORDS + 3;
}

/** Whether entry `i` is whole and is that of the line at `offset`. */
export function entryHolds(words: Uint32Array, i: number, offset: number): boolean {
  const at = HEADER_WORDS + i * ENTRY_WORDS;
  return (
    (words[at] as number) + (words[at + 1] as number) * TWO_32 === offset &&
    words[at + 2] === checkWord(words, at)
  );
}

/** Writes entry `i` (a line's offset and its signature) into the words of a sidecar. */
export function setEntry(words: Uint32Array, i: number, offset: number, signature: Uint32Array): void {
  const at = HEADER_WORDS + i * ENTRY_WORDS;
  words[at] = offset % TWO_32;
  words[at + 1] = Math.floor(offset / TWO_32);
  words.set(signature.subarray(0, SIGNATURE_WORDS), at + 3);
  words[at + 2] = checkWord(words, at);
}

/** FNV-1a over an entry's words but the check word itself. */
function checkWord(words: Uint32Array, at: number): number {
  let h = Math.imul(0x811c9dc5 ^ (words[at] as number), 0x01000193);
  h = Math.imul(h ^ (words[at + 1] as number), 0x01000193);
  for (let w = at + 3; w < at + ENTRY_WORDS; w++) h = Math.imul(h ^ (words[w] as number), 0x01000193);
  return h >>> 0;
}

function setHeader(words: Uint32Array, count: number): void {
  words[0] = MAGIC;
  words[1] = SIGNATURE_VERSION;
  words[2] = SIGNATURE_WORDS;
  words[COUNT_WORD] = count;
}

/** The bytes of a word array (a view, no copy). */
function bytesOf(words: Uint32Array, fromWord = 0, toWord = words.length): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset + fromWord * 4, (toWord - fromWord) * 4);
}

/**
 * Reads entries `from` … `from + count - 1` of a sidecar into `words` (at their own places, the
 * file's bytes as they are) and says how many it holds whole under a valid header: 0 for a missing
 * file, another version's, or one whose header is damaged. Offsets are for the caller to check.
 */
export async function readSidecar(
  path: string,
  words: Uint32Array,
  from: number,
  count: number,
): Promise<number> {
  if (count === 0) return 0;
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return 0;
  }
  try {
    const header = new Uint32Array(HEADER_WORDS);
    const { bytesRead } = await handle.read(bytesOf(header), 0, HEADER_BYTES, 0);
    if (
      bytesRead !== HEADER_BYTES ||
      header[0] !== MAGIC ||
      header[1] !== SIGNATURE_VERSION ||
      header[2] !== SIGNATURE_WORDS
    )
      return 0;
    const { size } = await handle.stat();
    // A torn tail (a crash mid-write) is cut off by the size; a count beyond the file is not believed.
    const whole = Math.min(header[COUNT_WORD] as number, Math.floor((size - HEADER_BYTES) / ENTRY_BYTES));
    const wanted = Math.max(0, Math.min(count, whole - from));
    if (wanted === 0) return 0;
    const into = bytesOf(words, sidecarWords(from), sidecarWords(from + wanted));
    let done = 0;
    while (done < into.length) {
      const read = await handle.read(
        into,
        done,
        into.length - done,
        HEADER_BYTES + from * ENTRY_BYTES + done,
      );
      if (read.bytesRead === 0) break;
      done += read.bytesRead;
    }
    return Math.floor(done / ENTRY_BYTES);
  } catch {
    return 0;
  } finally {
    await handle.close();
  }
}

/** Saves the first `count` entries of `words` as the sidecar at `path`, whole or not at all (a new file renamed over it, mode 600). */
export async function saveSidecar(path: string, words: Uint32Array, count: number): Promise<void> {
  setHeader(words, count);
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'w', FILE_MODE);
    try {
      await handle.writeFile(bytesOf(words, 0, sidecarWords(count)));
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

/** A sidecar made whole in memory, then saved (a session written in one go: an import). */
export class SidecarBuilder {
  #words = new Uint32Array(sidecarWords(1024));
  #count = 0;

  /** The entry of the next exchange: its line's offset and its signature. */
  add(offset: number, signature: Uint32Array = MATCHES_ALL): void {
    if (sidecarWords(this.#count + 1) > this.#words.length) {
      const grown = new Uint32Array(this.#words.length * 2);
      grown.set(this.#words);
      this.#words = grown;
    }
    setEntry(this.#words, this.#count++, offset, signature);
  }

  /** Saves it at `path` (see `saveSidecar`). */
  save(path: string): Promise<void> {
    return saveSidecar(path, this.#words, this.#count);
  }
}

/**
 * Appends a live session's entries as its lines are written: entries first, then the count in
 * the header, so a crash between the two leaves entries the count does not yet cover (and a torn
 * entry beyond it), never a count that covers a torn entry. A failed write turns it off for the
 * session: search then rebuilds the missing tail from the records.
 */
export class SidecarAppender {
  readonly #file: FileHandle;
  #count = 0;
  #scratch = new Uint32Array(HEADER_WORDS + 64 * ENTRY_WORDS);
  #off = false;

  private constructor(file: FileHandle) {
    this.#file = file;
  }

  /** Starts a new, empty sidecar at `path` (mode 600); null when it cannot be written. */
  static async create(path: string): Promise<SidecarAppender | null> {
    try {
      const file = await open(path, 'w+', FILE_MODE);
      const header = new Uint32Array(HEADER_WORDS);
      setHeader(header, 0);
      await file.write(bytesOf(header), 0, HEADER_BYTES, 0);
      return new SidecarAppender(file);
    } catch {
      return null;
    }
  }

  /** Appends the entries of lines just written (in file order). */
  async append(entries: ReadonlyArray<{ offset: number; signature: Uint32Array }>): Promise<void> {
    if (this.#off || entries.length === 0) return;
    const words = sidecarWords(entries.length);
    if (this.#scratch.length < words)
      this.#scratch = new Uint32Array(Math.max(words, this.#scratch.length * 2));
    // Laid out as in the file, entry 0 of the scratch being the next one of the file.
    entries.forEach((entry, i) => {
      setEntry(this.#scratch, i, entry.offset, entry.signature);
    });
    try {
      const bytes = bytesOf(this.#scratch, HEADER_WORDS, words);
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.#file.write(
          bytes,
          done,
          bytes.length - done,
          HEADER_BYTES + this.#count * ENTRY_BYTES + done,
        );
        if (bytesWritten <= 0) throw new Error('the sidecar took no bytes');
        done += bytesWritten;
      }
      this.#count += entries.length;
      const count = new Uint32Array([this.#count]);
      await this.#file.write(bytesOf(count), 0, 4, COUNT_WORD * 4);
    } catch {
      this.#off = true;
      await this.#file.truncate(HEADER_BYTES + this.#count * ENTRY_BYTES).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.#file.close().catch(() => undefined);
  }
}
